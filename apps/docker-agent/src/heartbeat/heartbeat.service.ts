import type { Bus } from '@flotilla/bus';
import { TIMINGS, type HostInfo } from '@flotilla/contracts';
import type { AgentMetrics } from '../agent-metrics';
import { describeError } from '../docker/docker-errors';
import type { EngineState } from '../inventory/docker-events.service';
import type { AgentLogger } from '../shared/agent-logger';
import { Sleeper } from '../shared/backoff';
import type { BusHealth } from './bus-health';

export interface HeartbeatOptions {
  hostId: string;
  labels: Record<string, string>;
  agentVersion: string;
  engineAddress: string;
  intervalMs?: number;
}

/**
 * Announces the host and beats its heartbeat every `TIMINGS.heartbeatIntervalMs`. Each beat also
 * checks that the bus still holds the host (a restarted or wiped Redis does not) and whether a
 * bus write failed since; then it re-announces and calls `onBusRecovered` so the agent rewrites
 * its snapshot.
 */
export class HeartbeatService {
  private readonly startedAt = new Date().toISOString();
  private engine: EngineState = { reachable: false, version: null, error: 'not connected yet' };
  private announced = false;
  private readonly sleeper = new Sleeper();
  private loop: Promise<void> | null = null;
  private stopped = false;
  private failing = false;
  private unreachableReported = false;

  constructor(
    private readonly bus: Bus,
    private readonly options: HeartbeatOptions,
    private readonly busHealth: BusHealth,
    private readonly metrics: AgentMetrics,
    private readonly onBusRecovered: () => void,
    private readonly logger: AgentLogger,
  ) {}

  info(): HostInfo {
    return {
      host_id: this.options.hostId,
      labels: this.options.labels,
      agent_version: this.options.agentVersion,
      started_at: this.startedAt,
      engine: {
        reachable: this.engine.reachable,
        version: this.engine.version,
        address: this.options.engineAddress.slice(0, 512),
        error: this.engine.error?.slice(0, 512) ?? null,
      },
    };
  }

  /** Records the engine's state; a change is announced at once. */
  setEngine(engine: EngineState): void {
    const changed = engine.reachable !== this.engine.reachable || engine.version !== this.engine.version;
    if (!engine.reachable && (this.engine.reachable || !this.unreachableReported)) {
      this.logger.warn(`Docker engine ${this.options.engineAddress} unreachable, retrying: ${engine.error ?? 'unknown error'}`);
      this.unreachableReported = true;
    }
    if (engine.reachable) this.unreachableReported = false;
    this.engine = engine;
    if (changed) {
      this.announced = false;
      this.sleeper.wake();
    }
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops beating and marks the host offline (a clean shutdown). */
  async stop(markOffline: boolean): Promise<void> {
    this.stopped = true;
    this.sleeper.wake();
    await this.loop;
    if (!markOffline) return;
    try {
      await this.bus.hosts.markOffline(this.info());
    } catch (error: unknown) {
      this.logger.warn(`could not mark the host offline: ${describeError(error)}`);
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      await this.tick();
      await this.sleeper.sleep(this.options.intervalMs ?? TIMINGS.heartbeatIntervalMs);
    }
  }

  private async tick(): Promise<void> {
    const firstAnnounce = !this.announced && this.metrics.counters.heartbeats === 0;
    try {
      const held = await this.bus.hosts.get(this.options.hostId);
      const lost = this.busHealth.take() || this.failing || (this.announced && held === null);
      if (!this.announced || lost || held === null) {
        await this.bus.hosts.announce(this.info());
        this.announced = true;
      }
      await this.bus.hosts.beat(this.options.hostId);
      this.metrics.counters.heartbeats++;
      if (this.failing) this.logger.log('bus reachable again');
      this.failing = false;
      if (lost && !firstAnnounce) {
        this.metrics.counters.busRecoveries++;
        this.metrics.report({ type: 'bus-recovered' });
        this.onBusRecovered();
      }
    } catch (error: unknown) {
      if (!this.failing) this.logger.warn(`heartbeat failed: ${describeError(error)}`);
      this.failing = true;
    }
  }
}
