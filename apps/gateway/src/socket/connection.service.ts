import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  fleetViewSchema,
  parsePayload,
  type FleetView,
  type SubscribeAck,
  type SubscribePayload,
} from '@flotilla/contracts';
import { TokenBucket } from '../core/token-bucket';
import { isRoutineSocketError } from '../core/socket-noise';
import type { GatewayTuning } from '../core/gateway-tuning';
import { GATEWAY_TUNING } from '../core/tokens';
import { ErrorReporter } from '../core/error-reporter';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { FleetFeed } from '../fleet/fleet-feed.service';
import { GatewayError } from '../core/gateway-error';
import { LogStreamService } from '../logs/log-stream.service';
import { StatsStreamService } from '../stats/stats-stream.service';
import { PresenceService } from '../presence/presence.service';
import { CrashLoopFeed } from '../exits/crash-loop-feed.service';
import { SearchSocketService } from '../search/search-socket.service';
import { ClientOutbox } from './client-outbox.service';
import { ClientConnection } from './client-connection';
import { ConnectionRegistry } from './connection-registry.service';
import type { FleetSocket } from './socket-types';
import { describeError } from '@flotilla/logging';

/** A socket's life on this replica: connect, filter, disconnect and cleanup. */
@Injectable()
export class ConnectionService {
  private readonly logger = new Logger(ConnectionService.name);

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly fleet: FleetFeed,
    private readonly logs: LogStreamService,
    private readonly stats: StatsStreamService,
    private readonly presence: PresenceService,
    private readonly crashLoops: CrashLoopFeed,
    private readonly searches: SearchSocketService,
    private readonly outbox: ClientOutbox,
    private readonly errors: ErrorReporter,
    @Inject(GATEWAY_TUNING) private readonly tuning: GatewayTuning,
    metrics: GatewayMetrics,
  ) {
    metrics.observe({ clients: () => registry.size });
  }

  connect(socket: FleetSocket): void {
    const principal = socket.data.principal;
    const view = handshakeView(socket);
    const connection = new ClientConnection(
      socket,
      principal,
      new TokenBucket(this.tuning.streamRequestBurst, this.tuning.streamRequestsPerSecond),
      view.ok ? view.value : undefined,
    );
    this.registry.add(connection);
    socket.on('disconnect', (reason) => this.logClosed(connection, reason));
    socket.conn.on('error', (error: unknown) => this.logClosed(connection, error));
    const connected = view.ok
      ? this.fleet.connect(connection)
      : Promise.reject(new GatewayError('invalid_payload', `view: ${view.error}`));
    connected.then(
      () => this.crashLoops.introduce(connection),
      (error: unknown) => {
        this.outbox.send(connection, 'error', this.errors.toClient(error, 'sending initial state'));
        socket.disconnect(true);
      },
    );
  }

  disconnect(socket: FleetSocket): void {
    const connection = this.registry.remove(socket.id);
    if (!connection) return;
    connection.closed = true;
    this.logs.dropConnection(connection);
    this.stats.dropConnection(connection);
    this.presence.dropConnection(connection);
    this.searches.dropConnection(connection);
  }

  subscribe(connection: ClientConnection, payload: SubscribePayload): SubscribeAck {
    const ack = this.fleet.subscribe(connection, payload);
    if (connection.ready) this.crashLoops.refresh(connection);
    return ack;
  }

  private logClosed(connection: ClientConnection, reason: unknown): void {
    const text = describeError(reason);
    if (isRoutineSocketError(reason)) this.logger.debug(`socket ${connection.id} closed: ${text}`);
    else this.logger.warn(`socket ${connection.id} failed: ${text}`);
  }
}

/** The view the client asked for in its handshake (`auth.view`), if any. */
function handshakeView(
  socket: FleetSocket,
): { ok: true; value: FleetView | undefined } | { ok: false; error: string } {
  const auth = socket.handshake.auth as Record<string, unknown> | undefined;
  if (auth?.view === undefined) return { ok: true, value: undefined };
  return parsePayload(fleetViewSchema, auth.view);
}
