import type { RawStreamEntry } from '../codecs';
import type { ReadBackwards } from '../common/read-backwards';
import type { MemoryStore } from './memory-store';
import type { MemoryEntry } from './memory-stream';
import { settle } from './settle';

/** Copies, so callers can never mutate what the store holds. */
export function rawEntries(entries: readonly MemoryEntry[]): RawStreamEntry[] {
  return entries.map((entry) => ({ id: entry.id, value: { ...entry.fields } }));
}

/** Reads `key` backwards, `before` exclusive, as Redis's XREVRANGE would. */
export function readBackwards(store: MemoryStore, key: string): ReadBackwards {
  return (before, count) =>
    settle(() => rawEntries(store.stream(key)?.revRange(before, count) ?? []));
}
