import type { Bus } from '@flotilla/bus';
import type { ContainerRegistry } from '../inventory/container-registry';
import type { AgentLogger } from '../shared/agent-logger';
import { Sleeper } from '../shared/backoff';
import { describeError } from '@flotilla/logging';

export interface RemovedStreamsOptions {
  hostId: string;
  /** How long a removed container's log and stats stay readable. */
  graceMs: number;
  /** True once the registry reflects Docker (the first inventory is published). */
  inventoryReady: () => boolean;
}

/**
 * Deletes the log and stats streams of containers that are gone from the host, once they have
 * been gone for the grace period: every stream the bus counts for the host whose container the
 * registry does not hold. Time is measured on this process's monotonic clock, from when it first
 * saw the container missing, so no clock is compared with another host's; an agent restart
 * starts the grace period again (later deletion, never earlier).
 */
export class RemovedStreamsService {
  private readonly missingSince = new Map<string, number>();
  private readonly sleeper = new Sleeper();
  private loop: Promise<void> | null = null;
  private stopped = false;
  private readonly intervalMs: number;

  constructor(
    private readonly bus: Bus,
    private readonly registry: ContainerRegistry,
    private readonly options: RemovedStreamsOptions,
    private readonly logger: AgentLogger,
  ) {
    // Often enough that deletion comes at most a quarter of the grace late, and at least hourly.
    this.intervalMs = Math.min(60_000, Math.max(100, options.graceMs / 4));
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.wake();
    await this.loop;
  }

  /** One pass: notes newly missing containers, deletes the streams of those gone long enough. */
  async sweep(): Promise<void> {
    if (!this.options.inventoryReady()) return;
    const { hostId, graceMs } = this.options;
    const usage = await this.bus.retention.usage(hostId);
    const now = performance.now();
    const retained = new Set(Object.keys(usage.containers));
    for (const id of this.missingSince.keys()) if (!retained.has(id)) this.missingSince.delete(id);
    for (const id of retained) {
      if (this.registry.get(id)) {
        this.missingSince.delete(id);
        continue;
      }
      const since = this.missingSince.get(id) ?? now;
      this.missingSince.set(id, since);
      if (now - since < graceMs || this.stopped) continue;
      await this.bus.retention.drop(hostId, id);
      this.missingSince.delete(id);
      this.logger.log(
        `deleted the log and stats of removed container ${id} (${usage.containers[id]} bytes)`,
      );
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.sweep();
      } catch (error: unknown) {
        this.logger.debug(`removed containers' streams not swept: ${describeError(error)}`);
      }
      await this.sleeper.sleep(this.intervalMs);
    }
  }
}
