import { RedisKeys } from '@flotilla/contracts';
import type { FieldMap, RawStreamEntry } from '../codecs';
import { TOTAL_FIELD, type Added, type RetainedStreams } from '../common/retention';
import type { MemoryStore } from './memory-store';
import { rawEntries } from './raw-entries';
import { settle } from './settle';

/** Retention's store in memory: the same counts in the same hash as over Redis. */
export class MemoryRetainedStreams implements RetainedStreams {
  constructor(private readonly store: MemoryStore) {}

  add(
    hostId: string,
    key: string,
    field: string,
    id: string,
    fields: FieldMap,
    bytes: number,
  ): Promise<Added> {
    return settle(() => {
      const added = this.store.xadd(key, id, fields, Number.POSITIVE_INFINITY);
      return {
        id: added,
        streamBytes: this.increment(hostId, field, bytes),
        hostBytes: this.increment(hostId, TOTAL_FIELD, bytes),
        length: this.store.stream(key)?.length ?? 0,
      };
    });
  }

  measure(hostId: string, key: string, field: string): Promise<{ bytes: number; length: number }> {
    return settle(() => ({
      bytes: Number(this.store.hash(RedisKeys.retained(hostId)).get(field) ?? 0),
      length: this.store.stream(key)?.length ?? 0,
    }));
  }

  oldest(key: string, count: number): Promise<RawStreamEntry[]> {
    return settle(() => rawEntries(this.store.stream(key)?.range(null, null, count) ?? []));
  }

  cut(hostId: string, key: string, field: string, minId: string, bytes: number): Promise<void> {
    return settle(() => {
      this.store.stream(key)?.trimBelow(minId);
      this.increment(hostId, field, -bytes);
      this.increment(hostId, TOTAL_FIELD, -bytes);
    });
  }

  counts(hostId: string): Promise<Record<string, number>> {
    return settle(() =>
      Object.fromEntries(
        [...this.store.hash(RedisKeys.retained(hostId))].map(([f, v]) => [f, Number(v)]),
      ),
    );
  }

  remove(hostId: string, streams: { key: string; field: string; bytes: number }[]): Promise<void> {
    return settle(() => {
      const counts = this.store.hash(RedisKeys.retained(hostId));
      for (const s of streams) {
        this.store.del(s.key);
        counts.delete(s.field);
        this.increment(hostId, TOTAL_FIELD, -s.bytes);
      }
    });
  }

  private increment(hostId: string, field: string, by: number): number {
    const counts = this.store.hash(RedisKeys.retained(hostId));
    const next = Number(counts.get(field) ?? 0) + by;
    counts.set(field, String(next));
    return next;
  }
}
