import type { RawStreamEntry } from '../codecs';
import type { MemoryEntry } from './memory-stream';

/** Copies, so callers can never mutate what the store holds. */
export function rawEntries(entries: readonly MemoryEntry[]): RawStreamEntry[] {
  return entries.map((entry) => ({ id: entry.id, value: { ...entry.fields } }));
}
