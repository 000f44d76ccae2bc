import { RedisKeys, type CommandReply } from '@flotilla/contracts';
import type { RawStreamEntry } from '../codecs';
import type { StreamFollower } from '../ports';
import { BusClosedError } from './errors';
import type { HostRecords } from './host-records';
import { type BusLogger } from './logger';
import { compareStreamIds, parseStreamId, ZERO_ID } from './stream-ids';
import { describeError } from '@flotilla/logging';

export interface ReplyWaiterDeps {
  createFollower(onEntries: (key: string, entries: RawStreamEntry[]) => void): StreamFollower;
  /** Entries of `key` with `after < id <= until`, oldest first, at most `count`. */
  readRange(key: string, after: string, until: string, count: number): Promise<RawStreamEntry[]>;
  records: HostRecords;
  logger: BusLogger;
}

interface Waiter {
  requestId: string;
  resolve(reply: CommandReply | null): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Per reply stream: how far the follower has read, and who waits on it. */
interface Watch {
  hostId: string;
  cursor: string;
  waiters: Map<string, Set<Waiter>>;
}

const BACKFILL_PAGE = 500;

/**
 * `awaitReply` for both buses: one follower (one blocking connection) serves every pending
 * command of the process, however many, instead of a connection per wait. A stream is followed
 * from the oldest position any waiter asked for; a waiter arriving later with an older position
 * reads the part the follower already passed with one range read.
 */
export class ReplyWaiter {
  private follower: StreamFollower | undefined;
  private readonly watches = new Map<string, Watch>();
  private closed = false;

  constructor(private readonly deps: ReplyWaiterDeps) {}

  wait(
    hostId: string,
    requestId: string,
    timeoutMs: number,
    after = ZERO_ID,
  ): Promise<CommandReply | null> {
    if (this.closed) return Promise.reject(new BusClosedError());
    try {
      parseStreamId(after);
    } catch (error: unknown) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const key = RedisKeys.replies(hostId);
    return new Promise<CommandReply | null>((resolve, reject) => {
      const waiter: Waiter = {
        requestId,
        resolve,
        reject,
        timer: setTimeout(() => this.settle(key, waiter, null), Math.max(0, timeoutMs)),
      };
      let watch = this.watches.get(key);
      if (!watch) {
        watch = { hostId, cursor: after, waiters: new Map() };
        this.watches.set(key, watch);
        this.add(watch, waiter);
        this.getFollower().follow(key, after);
        return;
      }
      this.add(watch, waiter);
      if (compareStreamIds(after, watch.cursor) < 0) void this.backfill(key, after, watch.cursor);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const watch of this.watches.values()) {
      for (const set of watch.waiters.values()) {
        for (const waiter of set) {
          clearTimeout(waiter.timer);
          waiter.reject(new BusClosedError());
        }
      }
    }
    this.watches.clear();
    await this.follower?.close();
  }

  private getFollower(): StreamFollower {
    this.follower ??= this.deps.createFollower((key, entries) => this.onEntries(key, entries));
    return this.follower;
  }

  private add(watch: Watch, waiter: Waiter): void {
    let set = watch.waiters.get(waiter.requestId);
    if (!set) watch.waiters.set(waiter.requestId, (set = new Set()));
    set.add(waiter);
  }

  private onEntries(key: string, entries: RawStreamEntry[]): void {
    const watch = this.watches.get(key);
    const last = entries[entries.length - 1];
    if (!watch || !last) return;
    watch.cursor = last.id;
    this.deliver(key, entries);
  }

  /** Reads what the follower had passed before this waiter came (`after < id <= until`). */
  private async backfill(key: string, after: string, until: string): Promise<void> {
    try {
      let from = after;
      for (;;) {
        const page = await this.deps.readRange(key, from, until, BACKFILL_PAGE);
        this.deliver(key, page);
        const last = page[page.length - 1];
        if (page.length < BACKFILL_PAGE || !last || !this.watches.has(key)) return;
        from = last.id;
      }
    } catch (error: unknown) {
      if (!this.closed)
        this.deps.logger.warn(`reading replies of ${key} failed: ${describeError(error)}`);
    }
  }

  private deliver(key: string, entries: readonly RawStreamEntry[]): void {
    const hostId = this.watches.get(key)?.hostId;
    if (hostId === undefined) return;
    for (const { value: reply } of this.deps.records.replies(hostId, entries)) {
      const watch = this.watches.get(key);
      if (!watch) return;
      const waiters = watch.waiters.get(reply.request_id);
      if (waiters) for (const waiter of [...waiters]) this.settle(key, waiter, reply);
    }
  }

  private settle(key: string, waiter: Waiter, reply: CommandReply | null): void {
    clearTimeout(waiter.timer);
    const watch = this.watches.get(key);
    const set = watch?.waiters.get(waiter.requestId);
    if (!watch || !set?.delete(waiter)) return;
    if (set.size === 0) watch.waiters.delete(waiter.requestId);
    if (watch.waiters.size === 0) {
      this.watches.delete(key);
      this.follower?.unfollow(key);
    }
    waiter.resolve(reply);
  }
}
