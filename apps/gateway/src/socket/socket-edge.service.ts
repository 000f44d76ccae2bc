import { Injectable } from '@nestjs/common';
import { parsePayload, type ClientEventName, type ErrorAck } from '@flotilla/contracts';
import type { z } from 'zod';
import { ErrorReporter } from '../core/error-reporter';
import { GatewayError } from '../core/gateway-error';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ClientOutbox } from './client-outbox.service';
import type { ClientConnection } from './client-connection';
import { ConnectionRegistry } from './connection-registry.service';
import type { FleetSocket } from './socket-types';

export interface EdgeOptions {
  /** Counts against the socket's stream-request token bucket. */
  rateLimited?: boolean;
}

/**
 * The edge every client message passes: counted, validated against the contract's schema,
 * rate limited, then handed to a service in one call. A failure becomes an `error` event plus
 * an error ack, and changes nothing; an unexpected one reaches the client only as a correlation id.
 */
@Injectable()
export class SocketEdge {
  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly outbox: ClientOutbox,
    private readonly metrics: GatewayMetrics,
    private readonly errors: ErrorReporter,
  ) {}

  async handle<S extends z.ZodType, R>(
    socket: FleetSocket,
    event: ClientEventName,
    schema: S,
    body: unknown,
    run: (connection: ClientConnection, payload: z.infer<S>) => R | Promise<R>,
    options: EdgeOptions = {},
  ): Promise<R | ErrorAck> {
    this.metrics.messagesIn.inc({ event });
    const connection = this.registry.get(socket.id);
    // A client that does not read its answers is not served more of them (acks included).
    if (!connection || !this.outbox.admits(connection))
      return { status: 'error', error: 'not connected', code: 'internal' };
    try {
      const parsed = parsePayload(schema, body);
      if (!parsed.ok) throw new GatewayError('invalid_payload', `${event}: ${parsed.error}`);
      if (options.rateLimited && !connection.streamRequests.take()) {
        throw new GatewayError('rate_limited', `too many stream requests; try again in a moment`);
      }
      return await run(connection, parsed.value);
    } catch (error: unknown) {
      const payload = this.errors.toClient(error, event);
      this.outbox.send(connection, 'error', payload);
      return { status: 'error', error: payload.error, code: payload.code };
    }
  }
}
