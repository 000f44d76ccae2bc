import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { LIMITS } from '@flotilla/contracts';
import type { IncomingMessage } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';
import type { GatewayConfig } from '../config/gateway.config';
import { originAllowed } from '../config/origin-policy';
import type { GatewayTuning } from '../core/gateway-tuning';

/** What `Server.adapter()` accepts: the Redis adapter's constructor, or Socket.IO's default. */
export type AdapterConstructor = Parameters<Server['adapter']>[0];

/**
 * Creates the Socket.IO server with Flotilla's transport rules: websocket only, client messages
 * capped at `LIMITS.maxClientMessageBytes`, dead clients dropped within ping interval + timeout,
 * browser origins checked (WebSockets are not covered by CORS), and the Redis adapter that carries
 * cross-replica actions (action records, ending a user's sessions, fetchSockets).
 */
export class FleetIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: GatewayConfig,
    private readonly tuning: GatewayTuning,
    private readonly adapter: AdapterConstructor | undefined,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      path: '/socket.io',
      serveClient: false,
      transports: ['websocket'],
      maxHttpBufferSize: LIMITS.maxClientMessageBytes,
      pingInterval: this.tuning.pingIntervalMs,
      pingTimeout: this.tuning.pingTimeoutMs,
      connectTimeout: 10_000,
      perMessageDeflate: false,
      allowRequest: (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
        const allowed = originAllowed(req.headers.origin, req.headers.host, this.config.cors);
        callback(allowed ? null : 'origin not allowed', allowed);
      },
    }) as Server;
    if (this.adapter) server.adapter(this.adapter);
    return server;
  }
}
