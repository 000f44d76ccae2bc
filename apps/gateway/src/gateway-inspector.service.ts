import { Injectable } from '@nestjs/common';
import { AlertDelivery } from './alerts/alert-delivery.service';
import { AlertLogWatcher } from './alerts/alert-log-watcher.service';
import { LeaseKeeper } from './bus/lease-keeper.service';
import { StreamRouter } from './bus/stream-router.service';
import { LogStreamService } from './logs/log-stream.service';
import { ClientOutbox } from './socket/client-outbox.service';
import { ConnectionRegistry } from './socket/connection-registry.service';
import { StatsStreamService } from './stats/stats-stream.service';

/** What a replica holds right now: for tests, benchmarks and diagnostics. */
export interface GatewayInspection {
  connections: number;
  /** `delivered`: last line number the follower handed out. */
  logChannels: { key: string; viewers: number; delivered: number }[];
  statsChannels: { key: string; viewers: number }[];
  followedKeys: string[];
  leases: string[];
  /** Sockets a paced send or a gap marker is waiting on to drain. */
  drainWaiters: number;
  /** Bytes queued per connected socket id. */
  bufferedBytes: Record<string, number>;
  /**
   * Alerts: rule ids in use, newest event id evaluated per host, deliveries running, and per log
   * stream followed for log rules the newest entry id read.
   */
  alerts: {
    rules: string[];
    evaluated: Record<string, string>;
    deliveries: number;
    logs: Record<string, string>;
  };
}

@Injectable()
export class GatewayInspector {
  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly logs: LogStreamService,
    private readonly stats: StatsStreamService,
    private readonly router: StreamRouter,
    private readonly leases: LeaseKeeper,
    private readonly outbox: ClientOutbox,
    private readonly alerts: AlertDelivery,
    private readonly alertLogs: AlertLogWatcher,
  ) {}

  inspect(): GatewayInspection {
    const bufferedBytes: Record<string, number> = {};
    for (const connection of this.registry.all())
      bufferedBytes[connection.id] = this.outbox.bufferedBytes(connection);
    return {
      connections: this.registry.size,
      logChannels: this.logs.channelSummary(),
      statsChannels: this.stats.channelSummary(),
      followedKeys: this.router.followedKeys(),
      leases: this.leases.held(),
      drainWaiters: this.outbox.waiting,
      bufferedBytes,
      alerts: { ...this.alerts.summary(), logs: this.alertLogs.progress() },
    };
  }
}
