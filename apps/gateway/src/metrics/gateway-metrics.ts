import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/**
 * The replica's Prometheus metrics, on a registry of its own (several replicas may share a
 * process in tests and benchmarks). Gauges whose value lives elsewhere read it at scrape time
 * through the `observe*` hooks.
 */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly messagesIn = new Counter({
    name: 'flotilla_gateway_messages_in_total',
    help: 'Socket.IO messages received from clients, by event',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly messagesOut = new Counter({
    name: 'flotilla_gateway_messages_out_total',
    help: 'Socket.IO messages sent to clients, by event',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly logLinesOut = new Counter({
    name: 'flotilla_gateway_log_lines_out_total',
    help: 'Log lines sent to clients',
    registers: [this.registry],
  });

  readonly droppedLines = new Counter({
    name: 'flotilla_gateway_dropped_log_lines_total',
    help: 'Live log lines not sent because the client had fallen behind (each reported in a gap marker)',
    registers: [this.registry],
  });

  readonly rejectedRecords = new Counter({
    name: 'flotilla_bus_records_rejected_total',
    help: "Records read from a host's keys and dropped: invalid, or naming another host (or container) than their key",
    labelNames: ['host', 'reason'] as const,
    registers: [this.registry],
  });

  readonly overflowedSockets = new Counter({
    name: 'flotilla_gateway_overflowed_sockets_total',
    help: 'Sockets disconnected because more than the hard cap was queued for them',
    registers: [this.registry],
  });

  private newestEventAt: number | undefined;
  private fleetClients: () => Promise<number> = () => Promise.resolve(0);
  private counters: {
    clients: () => number;
    logStreams: () => number;
    statsStreams: () => number;
  } = {
    clients: () => 0,
    logStreams: () => 0,
    statsStreams: () => 0,
  };

  constructor() {
    const read = (get: () => number) =>
      function (this: Gauge) {
        this.set(get());
      };
    new Gauge({
      name: 'flotilla_gateway_connected_clients',
      help: 'Sockets connected to this replica',
      registers: [this.registry],
      collect: read(() => this.counters.clients()),
    });
    const fleet = (): Promise<number> => this.fleetClients();
    new Gauge({
      name: 'flotilla_gateway_fleet_connected_clients',
      help: 'Sockets connected to every replica that answered the census within 1 s',
      registers: [this.registry],
      async collect(this: Gauge) {
        this.set(await fleet());
      },
    });
    new Gauge({
      name: 'flotilla_gateway_active_log_streams',
      help: 'Containers whose log stream this replica follows for its viewers',
      registers: [this.registry],
      collect: read(() => this.counters.logStreams()),
    });
    new Gauge({
      name: 'flotilla_gateway_active_stats_streams',
      help: 'Containers whose stats stream this replica follows for its viewers',
      registers: [this.registry],
      collect: read(() => this.counters.statsStreams()),
    });
    new Gauge({
      name: 'flotilla_gateway_bus_lag_seconds',
      help: 'Now minus the time of the newest fleet event this replica delivered',
      registers: [this.registry],
      collect: read(() =>
        this.newestEventAt === undefined ? 0 : Math.max(0, Date.now() - this.newestEventAt) / 1000,
      ),
    });
  }

  /** The fleet-wide client count, read at scrape time (asks every replica). */
  observeFleetClients(count: () => Promise<number>): void {
    this.fleetClients = count;
  }

  /** Adds the Node process metrics (CPU, memory, event loop) to this registry. */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry, prefix: 'flotilla_gateway_' });
  }

  observe(counters: Partial<GatewayMetrics['counters']>): void {
    this.counters = { ...this.counters, ...counters };
  }

  /** A fleet event created at `createdAt` (epoch ms) was delivered. */
  eventDelivered(createdAt: number): void {
    if (this.newestEventAt === undefined || createdAt > this.newestEventAt)
      this.newestEventAt = createdAt;
  }
}
