import { Injectable } from '@nestjs/common';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ConnectionRegistry } from './connection-registry.service';
import type { FleetServer } from './socket-types';

const CENSUS_TIMEOUT_MS = 1_000;

/**
 * How many clients the whole fleet of replicas serves. Each replica answers with its own count
 * through the adapter (`serverSideEmit` with an ack): a number per replica, where `fetchSockets`
 * would ship every socket's handshake to ask the same question.
 */
@Injectable()
export class FleetCensus {
  private server: FleetServer | undefined;

  constructor(
    private readonly registry: ConnectionRegistry,
    metrics: GatewayMetrics,
  ) {
    metrics.observeFleetClients(() => this.count());
  }

  /** Answers other replicas' censuses. */
  attach(server: FleetServer): void {
    this.server = server;
    server.on('client_count', (reply) => reply(this.registry.size));
  }

  /** Clients on every replica that answers within a second (this one included). */
  async count(): Promise<number> {
    const server = this.server;
    if (!server) return this.registry.size;
    const others = await new Promise<number[]>((resolve) => {
      const timer = setTimeout(() => resolve([]), CENSUS_TIMEOUT_MS);
      server.serverSideEmit('client_count', (_error: Error | null, counts: number[]) => {
        clearTimeout(timer);
        resolve(Array.isArray(counts) ? counts : []);
      });
    });
    return others.reduce((sum, n) => sum + (Number.isFinite(n) ? n : 0), this.registry.size);
  }
}
