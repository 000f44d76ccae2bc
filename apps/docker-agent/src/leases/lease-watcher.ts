import type { Bus, LeaseKind } from '@flotilla/bus';
import type { AgentLogger } from '../shared/agent-logger';
import { Sleeper } from '../shared/backoff';
import { describeError } from '@flotilla/logging';

export const LEASE_POLL_MS = 1_000;

/** Receives the containers with a live lease of one kind, after every successful poll. */
export type LeaseListener = (kind: LeaseKind, containerIds: ReadonlySet<string>) => void;

/**
 * Polls the host's leases (`logs` and `stats`) every second, and at once when a gateway wakes
 * the agent. A failed poll changes nothing: followers keep going through a bus outage and stop
 * only when a poll says their lease is gone.
 */
export class LeaseWatcher {
  private stopped = false;
  private readonly sleeper = new Sleeper();
  private unsubscribe: (() => Promise<void>) | null = null;
  private loop: Promise<void> | null = null;
  private failing = false;

  constructor(
    private readonly bus: Bus,
    private readonly hostId: string,
    private readonly listener: LeaseListener,
    private readonly logger: AgentLogger,
    private readonly pollMs = LEASE_POLL_MS,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Polls now (a gateway acquired a lease). */
  wake(): void {
    this.sleeper.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.wake();
    await this.loop;
    try {
      await this.unsubscribe?.();
    } catch {
      // The bus is going away as well.
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      await this.subscribe();
      await this.poll();
      await this.sleeper.sleep(this.pollMs);
    }
  }

  private async subscribe(): Promise<void> {
    if (this.unsubscribe) return;
    try {
      this.unsubscribe = await this.bus.leases.onWake(this.hostId, () => this.wake());
    } catch (error: unknown) {
      this.logger.debug(`lease wake-up not subscribed yet: ${describeError(error)}`);
    }
  }

  private async poll(): Promise<void> {
    try {
      const [logs, stats] = await Promise.all([
        this.bus.leases.active('logs', this.hostId),
        this.bus.leases.active('stats', this.hostId),
      ]);
      if (this.stopped) return;
      this.failing = false;
      this.listener('logs', new Set(logs));
      this.listener('stats', new Set(stats));
    } catch (error: unknown) {
      if (!this.failing)
        this.logger.warn(`lease poll failed, followers kept as they are: ${describeError(error)}`);
      this.failing = true;
    }
  }
}
