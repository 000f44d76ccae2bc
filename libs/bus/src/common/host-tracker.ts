import { hostIdOf } from '@flotilla/contracts';
import type { HostTrackOptions } from '../ports';
import { type BusLogger } from './logger';
import { describeError } from '@flotilla/logging';

/** What the tracker needs from one bus implementation. */
export interface HostTrackerPorts {
  /** Subscribes to every host's announce channel; resolves once subscribed, with the stop function. */
  listen(onChannel: (channel: string) => void): Promise<() => Promise<void>>;
  /** Every host info key (other keys may come too: names are checked here). */
  scanInfoKeys(): Promise<string[]>;
  /** Adds ids to the host set. */
  add(ids: string[]): Promise<void>;
  logger: BusLogger;
}

const DEFAULT_RESCAN_MS = 60_000;
/** Longest wait of `track` for its first subscription and scan; they go on after it. */
const START_WAIT_MS = 2_000;

/** The trackers one bus started (`HostRepository.track`), all stopped when the bus closes. */
export class HostTrackers {
  private readonly running = new Set<HostTracker>();

  async start(
    ports: HostTrackerPorts,
    options: HostTrackOptions = {},
  ): Promise<() => Promise<void>> {
    const tracker = new HostTracker(ports, options);
    this.running.add(tracker);
    await tracker.start();
    return () => {
      this.running.delete(tracker);
      return tracker.stop();
    };
  }

  async close(): Promise<void> {
    const trackers = [...this.running];
    this.running.clear();
    await Promise.all(trackers.map((t) => t.stop()));
  }
}

/**
 * Keeps the host set from what agents may write: their own announce channel and their own info
 * key. Announcements are batched into one SADD per turn (every agent announces with each beat).
 */
class HostTracker {
  private readonly met = new Set<string>();
  private pending = new Set<string>();
  private flushing: Promise<void> | null = null;
  private refreshing: Promise<void> | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  private stopped = false;

  constructor(
    private readonly ports: HostTrackerPorts,
    private readonly options: HostTrackOptions,
  ) {}

  /** Waits for the first refresh, but no longer than `START_WAIT_MS` (Redis may be down). */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.refresh(), this.options.rescanMs ?? DEFAULT_RESCAN_MS);
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      this.refresh(),
      new Promise<void>((resolve) => (timeout = setTimeout(resolve, START_WAIT_MS))),
    ]);
    clearTimeout(timeout);
  }

  /** Does not wait for a pending subscription or scan (Redis may be down): they end on their own. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const unlisten = this.unlisten;
    this.unlisten = null;
    await unlisten?.();
  }

  /** Listens (again, if a subscription failed), then scans for hosts no announcement brought. */
  private refresh(): Promise<void> {
    this.refreshing ??= this.listenAndScan().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async listenAndScan(): Promise<void> {
    try {
      if (!this.unlisten) {
        const unlisten = await this.ports.listen((c) => this.heard(c));
        // Stopped while subscribing: nothing else will unsubscribe.
        if (this.stopped) return await unlisten();
        this.unlisten = unlisten;
      }
      if (this.stopped) return;
      const ids = (await this.ports.scanInfoKeys()).flatMap((key) => hostIdOf(key, 'info') ?? []);
      await this.add(ids);
    } catch (error: unknown) {
      this.report(error);
    }
  }

  private heard(channel: string): void {
    // The pattern also matches names no agent may publish on (they fail the host id check).
    const id = hostIdOf(channel, 'announce');
    if (id === null || this.stopped) return;
    this.pending.add(id);
    this.flushing ??= this.flush().finally(() => (this.flushing = null));
  }

  private async flush(): Promise<void> {
    while (this.pending.size > 0 && !this.stopped) {
      const ids = [...this.pending];
      this.pending = new Set();
      try {
        await this.add(ids);
      } catch (error: unknown) {
        // Dropped: the host announces itself again with its next beat.
        this.report(error);
      }
    }
  }

  private async add(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.ports.add(ids);
    if (this.failing) this.ports.logger.log?.('host discovery works again');
    this.failing = false;
    for (const id of ids) {
      if (this.met.has(id)) continue;
      this.met.add(id);
      try {
        this.options.onHost?.(id);
      } catch (error: unknown) {
        this.ports.logger.error(`host discovery handler failed on ${id}: ${describeError(error)}`);
      }
    }
  }

  /** One warning per outage. */
  private report(error: unknown): void {
    if (this.stopped || this.failing) return;
    this.failing = true;
    this.ports.logger.warn(`host discovery failed, retrying: ${describeError(error)}`);
  }
}
