import {
  RedisKeys,
  STREAM_CAPS,
  TIMINGS,
  type SearchRecord,
  type SearchRequest,
} from '@flotilla/contracts';
import { encodeJson, type RawStreamEntry } from '../codecs';
import { SearchRecords, windowCount } from '../common/search-records';
import type { HostRecords } from '../common/host-records';
import { ZERO_ID } from '../common/stream-ids';
import type { SearchRepository, StreamEntry } from '../ports';
import type { MemoryStore } from './memory-store';
import { settle } from './settle';

export class MemorySearchRepository implements SearchRepository {
  private readonly decoder: SearchRecords;

  constructor(
    private readonly store: MemoryStore,
    records: HostRecords,
  ) {
    this.decoder = new SearchRecords(records);
  }

  request(request: SearchRequest): Promise<void> {
    return settle(() => {
      const { host_id: hostId, search_id: searchId } = request;
      this.store.set(RedisKeys.searchWindow(hostId, searchId), '0', TIMINGS.searchWindowTtlMs);
      this.store.xadd(
        RedisKeys.searchRequests(hostId),
        '*',
        encodeJson(request),
        STREAM_CAPS.searchRequests,
      );
    });
  }

  newestRequest(hostId: string): Promise<string> {
    return settle(() => this.store.stream(RedisKeys.searchRequests(hostId))?.last()?.id ?? ZERO_ID);
  }

  requests(hostId: string, entries: readonly RawStreamEntry[]): StreamEntry<SearchRequest>[] {
    return this.decoder.requests(hostId, entries);
  }

  publish(record: SearchRecord): Promise<void> {
    return settle(() => {
      const key = RedisKeys.searchResults(record.host_id, record.search_id);
      this.store.xadd(key, '*', encodeJson(record), STREAM_CAPS.searchResults);
    });
  }

  results(
    hostId: string,
    searchId: string,
    entries: readonly RawStreamEntry[],
  ): StreamEntry<SearchRecord>[] {
    return this.decoder.results(hostId, searchId, entries);
  }

  renew(hostId: string, searchId: string, consumed: number, ttlMs: number): Promise<void> {
    return settle(() =>
      this.store.set(RedisKeys.searchWindow(hostId, searchId), String(consumed), ttlMs),
    );
  }

  consumed(hostId: string, searchId: string): Promise<number | null> {
    return settle(() => windowCount(this.store.get(RedisKeys.searchWindow(hostId, searchId))));
  }

  end(hostId: string, searchId: string): Promise<void> {
    return settle(() => {
      this.store.del(RedisKeys.searchWindow(hostId, searchId));
      this.store.del(RedisKeys.searchResults(hostId, searchId));
    });
  }
}
