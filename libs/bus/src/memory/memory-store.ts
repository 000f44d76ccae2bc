import type { FieldMap } from '../codecs';
import { BusClosedError } from '../common/errors';
import { MemoryStream } from './memory-stream';

interface Expiring {
  value: string;
  /** Epoch ms; null: no TTL. */
  expiresAt: number | null;
}

type Listener = () => void;

interface PatternListener {
  matches: RegExp;
  listener: (channel: string) => void;
}

/**
 * The in-process stand-in for Redis that the memory repositories share: only the structures
 * Flotilla uses, each holding strings exactly as Redis would (so corrupt values can exist and
 * are validated on read the same way). TTLs expire lazily, on read.
 */
export class MemoryStore {
  private readonly streams = new Map<string, MemoryStream>();
  private readonly strings = new Map<string, Expiring>();
  readonly hashes = new Map<string, Map<string, string>>();
  readonly sets = new Map<string, Set<string>>();
  readonly sortedSets = new Map<string, Map<string, number>>();
  private readonly appendListeners = new Map<string, Set<Listener>>();
  private readonly subscribers = new Map<string, Set<Listener>>();
  private readonly patternSubscribers = new Set<PatternListener>();
  private open = true;

  /** Throws once the bus is closed, so late callers fail as they would on a closed connection. */
  check(): void {
    if (!this.open) throw new BusClosedError();
  }

  close(): void {
    this.open = false;
    this.appendListeners.clear();
    this.subscribers.clear();
    this.patternSubscribers.clear();
  }

  stream(key: string): MemoryStream | undefined {
    this.check();
    return this.streams.get(key);
  }

  xadd(key: string, id: string, fields: FieldMap, cap: number): string {
    this.check();
    let stream = this.streams.get(key);
    if (!stream) this.streams.set(key, (stream = new MemoryStream()));
    const added = stream.add(id, fields, cap);
    for (const listener of this.appendListeners.get(key) ?? []) listener();
    return added;
  }

  /** Calls `listener` (synchronously) after every append to `key`; returns the remover. */
  onAppend(key: string, listener: Listener): () => void {
    let set = this.appendListeners.get(key);
    if (!set) this.appendListeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.appendListeners.get(key) === set) this.appendListeners.delete(key);
    };
  }

  get(key: string, now = Date.now()): string | null {
    this.check();
    const entry = this.strings.get(key);
    if (!entry) return null;
    if (entry.expiresAt !== null && entry.expiresAt <= now) {
      this.strings.delete(key);
      return null;
    }
    return entry.value;
  }

  set(key: string, value: string, ttlMs?: number): void {
    this.check();
    this.strings.set(key, { value, expiresAt: ttlMs === undefined ? null : Date.now() + ttlMs });
  }

  /**
   * `INCRBY` then `PEXPIRE NX`: adds `by` to the integer at `key` (0 when absent or expired);
   * a new counter lives `ttlMs`, an existing one keeps its expiry.
   */
  incrBy(key: string, by: number, ttlMs: number, now = Date.now()): number {
    const current = this.get(key, now);
    if (current !== null && !/^-?\d+$/.test(current)) {
      throw new Error('ERR value is not an integer or out of range');
    }
    const count = (current === null ? 0 : Number.parseInt(current, 10)) + by;
    const expiresAt = this.strings.get(key)?.expiresAt ?? now + ttlMs;
    this.strings.set(key, { value: String(count), expiresAt });
    return count;
  }

  /** Names of the string keys (SCAN over strings). */
  stringKeys(): string[] {
    this.check();
    return [...this.strings.keys()];
  }

  del(key: string): void {
    this.check();
    this.strings.delete(key);
    this.hashes.delete(key);
    this.sets.delete(key);
    this.sortedSets.delete(key);
    this.streams.delete(key);
  }

  hash(key: string): Map<string, string> {
    this.check();
    let hash = this.hashes.get(key);
    if (!hash) this.hashes.set(key, (hash = new Map<string, string>()));
    return hash;
  }

  sortedSet(key: string): Map<string, number> {
    this.check();
    let set = this.sortedSets.get(key);
    if (!set) this.sortedSets.set(key, (set = new Map<string, number>()));
    return set;
  }

  subscribe(channel: string, listener: Listener): () => void {
    this.check();
    let set = this.subscribers.get(channel);
    if (!set) this.subscribers.set(channel, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.subscribers.get(channel) === set) this.subscribers.delete(channel);
    };
  }

  /** As PSUBSCRIBE: `pattern` is a glob whose only wildcard is `*`. */
  psubscribe(pattern: string, listener: (channel: string) => void): () => void {
    this.check();
    const escaped = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const entry: PatternListener = {
      matches: new RegExp(`^${escaped.join('.*')}$`, 's'),
      listener,
    };
    this.patternSubscribers.add(entry);
    return () => void this.patternSubscribers.delete(entry);
  }

  /** Delivers on a later turn of the event loop, as a Redis message would arrive. */
  publish(channel: string): void {
    this.check();
    const listeners = [...(this.subscribers.get(channel) ?? [])];
    const patterns = [...this.patternSubscribers].filter((p) => p.matches.test(channel));
    if (listeners.length === 0 && patterns.length === 0) return;
    setImmediate(() => {
      for (const listener of listeners) {
        if (this.open && this.subscribers.get(channel)?.has(listener)) listener();
      }
      for (const pattern of patterns) {
        if (this.open && this.patternSubscribers.has(pattern)) pattern.listener(channel);
      }
    });
  }
}
