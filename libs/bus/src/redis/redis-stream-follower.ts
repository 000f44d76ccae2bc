import type { RedisClient } from './connections';
import type { RawStreamEntry } from '../codecs';
import { type BusLogger } from '../common/logger';
import { parseStreamId } from '../common/stream-ids';
import type { StreamFollower } from '../ports';
import { toRawEntries, type RedisStreamEntry } from './replies';
import { describeError } from '@flotilla/logging';

export interface RedisFollowerDeps {
  /** A connection of the follower's own: XREAD BLOCK holds it. */
  connection: RedisClient;
  /**
   * `CLIENT UNBLOCK id` from another connection; resolves 1 when a blocked read was ended.
   * Without it the follower never asks for its connection's id, and a change of the followed
   * streams waits for the running read to return (an entry arrives or `blockMs` passes).
   */
  unblock?: (clientId: number) => Promise<number>;
  /**
   * The id of the connection the reads go over (`CLIENT ID` on it by default). On a Redis
   * Cluster that is the connection to the node serving the followed keys' slot.
   */
  clientId?: () => Promise<number>;
  logger: BusLogger;
  /** Longest block of one XREAD: how late a change is picked up when an unblock cannot be sent. */
  blockMs: number;
  /** Called once when the follower is closed. */
  onClose?: () => void;
}

/** Entries per stream per read: bounds one reply while a follower catches up. */
const PAGE = 500;

/** `follow` replaces the object, so a reply read with an older cursor is recognised and dropped. */
interface Cursor {
  after: string;
}

const CLOSED = Symbol('closed');

/**
 * One XREAD BLOCK over every followed stream at once, re-issued whenever the set changes. A
 * change interrupts the blocked read with CLIENT UNBLOCK from the command connection, so a new
 * stream is served at once rather than when the block times out; `blockMs` is only the backstop
 * (a reconnect, when the connection's id is not known yet, an ACL without CLIENT UNBLOCK, or a
 * bus made without interrupts, as agents' are: their one stream never changes while read).
 *
 * Lost connections: ioredis re-sends the pending XREAD after reconnecting, with the same cursors,
 * and a failed read is retried with backoff, so entries are neither skipped nor repeated. Nothing
 * the loop does can reject into the void: every error is caught and reported.
 */
export class RedisStreamFollower implements StreamFollower {
  private readonly cursors = new Map<string, Cursor>();
  /** Bumped by every follow/unfollow; a read built from an older version is stale. */
  private version = 0;
  private readVersion = -1;
  private reading = false;
  private readEnded: Promise<void> = Promise.resolve();
  private clientId: number | undefined;
  private canUnblock: boolean;
  private interrupting = false;
  private closed = false;
  /** What close() must cut short: pending waits and pauses (kept in a set, never leaked). */
  private readonly onClose = new Set<() => void>();
  private wakeIdle: (() => void) | undefined;
  private readonly done: Promise<void>;

  constructor(
    private readonly deps: RedisFollowerDeps,
    private readonly onEntries: (key: string, entries: RawStreamEntry[]) => void,
  ) {
    this.canUnblock = deps.unblock !== undefined;
    // A new connection has a new id; until the next read asks for it, unblocking waits for blockMs.
    deps.connection.on('close', () => (this.clientId = undefined));
    this.done = this.run();
  }

  follow(key: string, after: string): void {
    if (this.closed) return;
    parseStreamId(after);
    this.cursors.set(key, { after });
    this.changed();
  }

  unfollow(key: string): void {
    if (this.cursors.delete(key)) this.changed();
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.deps.onClose?.();
      for (const cut of [...this.onClose]) cut();
      this.wakeIdle?.();
      // Ends a blocked XREAD at once; the loop has stopped waiting on it either way.
      this.deps.connection.disconnect();
    }
    await this.done;
  }

  private changed(): void {
    this.version++;
    const wake = this.wakeIdle;
    this.wakeIdle = undefined;
    wake?.();
    void this.interrupt();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      if (this.cursors.size === 0) {
        await new Promise<void>((resolve) => (this.wakeIdle = resolve));
        continue;
      }
      try {
        if (!(await this.readOnce())) break;
        failures = 0;
      } catch (error: unknown) {
        if (this.closed) break;
        // The read may have failed over to another server, whose connection has another id.
        this.clientId = undefined;
        failures++;
        // One report per outage; ioredis keeps reconnecting meanwhile.
        if (failures === 1)
          this.deps.logger.warn(`stream follower read failed: ${describeError(error)}`);
        await this.pause(Math.min(1_000, 25 * 2 ** failures));
      }
    }
  }

  /** One XREAD; false once closed. */
  private async readOnce(): Promise<boolean> {
    const connection = this.deps.connection;
    if (this.clientId === undefined && this.canUnblock) {
      const id = await this.untilClosed(this.fetchClientId());
      if (id === CLOSED) return false;
      this.clientId = id;
    }
    const used = new Map(this.cursors);
    const keys = [...used.keys()];
    const ids = [...used.values()].map((cursor) => cursor.after);
    this.readVersion = this.version;
    this.reading = true;
    let endRead!: () => void;
    this.readEnded = new Promise((resolve) => (endRead = resolve));
    const read = connection.xread(
      'COUNT',
      PAGE,
      'BLOCK',
      this.deps.blockMs,
      'STREAMS',
      ...keys,
      ...ids,
    );
    try {
      const reply = await this.untilClosed(read);
      if (reply === CLOSED) return false;
      if (reply) this.deliver(reply, used);
      return true;
    } finally {
      this.reading = false;
      endRead();
    }
  }

  /**
   * The connection's id, for CLIENT UNBLOCK. A refusal from Redis itself (an ACL without CLIENT)
   * is not an outage: the follower carries on without interrupts, picking up changes within
   * `blockMs`.
   */
  private async fetchClientId(): Promise<number | undefined> {
    const connection = this.deps.connection;
    try {
      return await (this.deps.clientId ? this.deps.clientId() : connection.client('ID'));
    } catch (error: unknown) {
      if (connection.status !== 'ready') throw error;
      this.withoutUnblock(error);
      return undefined;
    }
  }

  private withoutUnblock(error: unknown): void {
    if (!this.canUnblock) return;
    this.canUnblock = false;
    this.deps.logger.warn(
      `stream follower cannot interrupt its reads (${describeError(error)}); changes wait up to ${this.deps.blockMs} ms`,
    );
  }

  private deliver(reply: [string, RedisStreamEntry[]][], used: Map<string, Cursor>): void {
    for (const [key, entries] of reply) {
      const cursor = used.get(key);
      // Moved or dropped while the read was pending: the next read starts from the new cursor.
      if (!cursor || this.cursors.get(key) !== cursor || entries.length === 0) continue;
      const raw = toRawEntries(entries);
      cursor.after = raw[raw.length - 1].id;
      try {
        this.onEntries(key, raw);
      } catch (error: unknown) {
        this.deps.logger.error(`stream follower handler failed on ${key}: ${describeError(error)}`);
      }
    }
  }

  /**
   * Ends a read built from an outdated set of streams. CLIENT UNBLOCK answers 0 when the read has
   * not reached Redis yet (it travels on another connection), so that is retried briefly.
   */
  private async interrupt(): Promise<void> {
    if (this.interrupting) return;
    this.interrupting = true;
    try {
      let misses = 0;
      while (!this.closed && this.reading && this.readVersion !== this.version && misses < 5) {
        const id = this.clientId;
        const unblock = this.deps.unblock;
        if (id === undefined || !this.canUnblock || !unblock) return;
        const ended = this.readEnded;
        if ((await unblock(id)) === 1) {
          misses = 0;
          await ended;
        } else {
          misses++;
          await Promise.race([ended, this.pause(5 * misses)]);
        }
      }
    } catch (error: unknown) {
      if (this.closed) return;
      if (describeError(error).includes('NOPERM')) this.withoutUnblock(error);
      else this.deps.logger.warn(`stream follower unblock failed: ${describeError(error)}`);
    } finally {
      this.interrupting = false;
    }
  }

  /** Waits for `promise` unless the follower closes first; a late rejection is swallowed. */
  private untilClosed<T>(promise: Promise<T>): Promise<T | typeof CLOSED> {
    return new Promise((resolve, reject) => {
      const cut = (): void => resolve(CLOSED);
      if (this.closed) cut();
      else this.onClose.add(cut);
      promise.then(
        (value) => {
          this.onClose.delete(cut);
          resolve(value);
        },
        (error: unknown) => {
          this.onClose.delete(cut);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.onClose.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (this.closed) done();
      else this.onClose.add(done);
    });
  }
}
