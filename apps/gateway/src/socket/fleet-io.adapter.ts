import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import { LIMITS } from '@flotilla/contracts';
import { Server as HttpServer, type IncomingMessage } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import type { OriginPolicy } from '../config/origin-policy';
import type { GatewayTuning } from '../core/gateway-tuning';

type NestSocket = Parameters<IoAdapter['bindMessageHandlers']>[0];

/** What `Server.adapter()` accepts: the Redis adapter's constructor, or Socket.IO's default. */
export type AdapterConstructor = Parameters<Server['adapter']>[0];

/**
 * Creates the Socket.IO server with Flotilla's transport rules: websocket only, client messages
 * capped at `LIMITS.maxClientMessageBytes`, dead clients dropped within ping interval + timeout,
 * the Host name and the browser origin checked (WebSockets are not covered by CORS, and the
 * upgrade does not pass the HTTP middleware), and the Redis adapter that carries
 * what crosses replicas (action and audit records, ending a login's sockets at logout, the
 * fleet-wide client census).
 */
export class FleetIoAdapter extends IoAdapter {
  private readonly logger = new Logger(FleetIoAdapter.name);

  constructor(
    app: INestApplicationContext,
    private readonly policy: OriginPolicy,
    private readonly tuning: GatewayTuning,
    private readonly adapter: AdapterConstructor | undefined,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    // The application's socket.io, not the copy @nestjs/platform-socket.io pins for itself.
    const httpServer: unknown = this.httpServer;
    if (!(httpServer instanceof HttpServer) || port !== 0)
      throw new Error('the gateway shares its HTTP server (port 0)');
    const server = new Server(httpServer, {
      ...options,
      path: '/socket.io',
      serveClient: false,
      transports: ['websocket'],
      maxHttpBufferSize: LIMITS.maxClientMessageBytes,
      pingInterval: this.tuning.pingIntervalMs,
      pingTimeout: this.tuning.pingTimeoutMs,
      connectTimeout: 10_000,
      perMessageDeflate: false,
      allowRequest: (
        req: IncomingMessage,
        callback: (err: string | null | undefined, success: boolean) => void,
      ) => {
        const { host, origin } = req.headers;
        if (!this.policy.hostAllowed(host)) callback('host not allowed', false);
        else if (!this.policy.originAllowed(origin, host)) callback('origin not allowed', false);
        else callback(null, true);
      },
    });
    if (this.adapter) server.adapter(this.adapter);
    return server;
  }

  /**
   * Binds `@SubscribeMessage` handlers with one plain listener per event. Nest's default builds
   * an rxjs pipeline per event per socket (with a shared disconnect stream), which measured
   * ~30 KiB per idle connection here; this keeps the same semantics (payload and ack mapping,
   * `{event, data}` replies, acks with the handler's result) with the per-message work only.
   */
  override bindMessageHandlers(
    socket: NestSocket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        const { data, ack } = this.mapPayload(args.length === 1 ? args[0] : args) as {
          data: unknown;
          ack?: (response: unknown) => void;
        };
        transform(callback(data, ack)).subscribe({
          next: (response) => {
            if (response === null || response === undefined) return;
            const reply = response as { event?: string; data?: unknown };
            if (typeof reply.event === 'string') socket.emit(reply.event, reply.data);
            else if (!isAckHandledManually && typeof ack === 'function') ack(response);
          },
          error: (error: unknown) => {
            this.logger.error(
              `handler of "${String(message)}" failed`,
              error instanceof Error ? error.stack : String(error),
            );
          },
        });
      });
    }
  }
}
