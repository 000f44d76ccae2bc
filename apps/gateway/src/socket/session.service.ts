import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OkAck, SubscribePayload } from '@flotilla/contracts';
import { TokenBucket } from '../core/token-bucket';
import { isRoutineSocketError } from '../core/socket-noise';
import type { GatewayTuning } from '../core/gateway-tuning';
import { GATEWAY_TUNING } from '../core/tokens';
import { ErrorReporter } from '../core/error-reporter';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { FleetFeed } from '../fleet/fleet-feed.service';
import { SubscriptionFilter } from '../fleet/subscription-filter';
import { LogStreamService } from '../logs/log-stream.service';
import { StatsStreamService } from '../stats/stats-stream.service';
import { ClientOutbox } from './client-outbox.service';
import { ClientSession } from './client-session';
import { SessionRegistry } from './session-registry.service';
import type { FleetSocket } from './socket-types';
import { describeError } from '@flotilla/logging';

/** A socket's life on this replica: connect, filter, disconnect and cleanup. */
@Injectable()
export class SessionService {
  private readonly logger = new Logger(SessionService.name);

  constructor(
    private readonly registry: SessionRegistry,
    private readonly fleet: FleetFeed,
    private readonly logs: LogStreamService,
    private readonly stats: StatsStreamService,
    private readonly outbox: ClientOutbox,
    private readonly errors: ErrorReporter,
    @Inject(GATEWAY_TUNING) private readonly tuning: GatewayTuning,
    metrics: GatewayMetrics,
  ) {
    metrics.observe({ clients: () => registry.size });
  }

  connect(socket: FleetSocket): void {
    const principal = socket.data.principal;
    const session = new ClientSession(
      socket,
      principal,
      new TokenBucket(this.tuning.streamRequestBurst, this.tuning.streamRequestsPerSecond),
    );
    this.registry.add(session);
    socket.on('disconnect', (reason) => this.logClosed(session, reason));
    socket.conn.on('error', (error: unknown) => this.logClosed(session, error));
    this.fleet.connect(session).catch((error: unknown) => {
      this.outbox.send(session, 'error', this.errors.toClient(error, 'sending initial state'));
      socket.disconnect(true);
    });
  }

  disconnect(socket: FleetSocket): void {
    const session = this.registry.remove(socket.id);
    if (!session) return;
    session.closed = true;
    this.logs.dropSession(session);
    this.stats.dropSession(session);
  }

  subscribe(session: ClientSession, payload: SubscribePayload): OkAck {
    session.filter = SubscriptionFilter.from(payload);
    return { status: 'ok' };
  }

  private logClosed(session: ClientSession, reason: unknown): void {
    const text = describeError(reason);
    if (isRoutineSocketError(reason)) this.logger.debug(`socket ${session.id} closed: ${text}`);
    else this.logger.warn(`socket ${session.id} failed: ${text}`);
  }
}
