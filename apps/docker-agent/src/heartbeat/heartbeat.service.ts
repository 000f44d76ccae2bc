import type { Bus } from '@flotilla/bus';
import { TIMINGS, type HostInfo } from '@flotilla/contracts';
import type { AgentMetrics } from '../agent-metrics';
import type { EngineState } from '../inventory/docker-events.service';
import type { AgentLogger } from '../shared/agent-logger';
import { Sleeper } from '../shared/backoff';
import type { BusHealth } from './bus-health';
import { describeError } from '@flotilla/logging';

/** How often the bus is probed between beats. */
const PROBE_MS = 500;

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
  /** Bumped by every engine change, so a change during an announce is announced again. */
  private generation = 0;
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
    const changed =
      engine.reachable !== this.engine.reachable || engine.version !== this.engine.version;
    if (!engine.reachable && (this.engine.reachable || !this.unreachableReported)) {
      this.logger.warn(
        `Docker engine ${this.options.engineAddress} unreachable, retrying: ${engine.error ?? 'unknown error'}`,
      );
      this.unreachableReported = true;
    }
    if (engine.reachable) this.unreachableReported = false;
    this.engine = engine;
    if (changed) {
      this.generation++;
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

  /** Probes the bus twice a second (an outage is noticed even while nothing is written) and beats on schedule. */
  private async run(): Promise<void> {
    const interval = this.options.intervalMs ?? TIMINGS.heartbeatIntervalMs;
    let nextBeat = 0;
    while (!this.stopped) {
      if ((await this.probe()) && !this.stopped) {
        if (Date.now() >= nextBeat || this.failing || !this.announced) {
          await this.tick();
          nextBeat = Date.now() + interval;
        }
      }
      await this.sleeper.sleep(Math.min(PROBE_MS, interval));
    }
  }

  private async probe(): Promise<boolean> {
    try {
      await this.bus.ping();
      return true;
    } catch (error: unknown) {
      this.outage(describeError(error));
      return false;
    }
  }

  private outage(reason: string): void {
    if (!this.failing) {
      this.logger.warn(`bus unreachable: ${reason}`);
      this.metrics.counters.busOutages++;
      this.metrics.report({ type: 'bus-lost', error: reason });
    }
    this.failing = true;
  }

  private async tick(): Promise<void> {
    const firstAnnounce = !this.announced && this.metrics.counters.heartbeats === 0;
    try {
      const held = await this.bus.hosts.get(this.options.hostId);
      const lost = this.busHealth.take() || this.failing || (this.announced && held === null);
      if (!this.announced || lost || held === null) {
        const generation = this.generation;
        await this.bus.hosts.announce(this.info());
        this.announced = generation === this.generation;
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
      this.outage(`heartbeat failed: ${describeError(error)}`);
    }
  }
}
