import { RedisKeys, type SearchRecord, type SearchRequest } from '@flotilla/contracts';
import { decodeSearchRecord, decodeSearchRequest, type RawStreamEntry } from '../codecs';
import type { StreamEntry } from '../ports';
import type { HostRecords } from './host-records';

/** Decoding of the search streams, shared by both buses (rejections reported like any other). */
export class SearchRecords {
  constructor(private readonly records: HostRecords) {}

  requests(hostId: string, entries: readonly RawStreamEntry[]): StreamEntry<SearchRequest>[] {
    return this.records.decodeStream(RedisKeys.searchRequests(hostId), hostId, entries, (f) =>
      decodeSearchRequest(f, { hostId }),
    );
  }

  results(
    hostId: string,
    searchId: string,
    entries: readonly RawStreamEntry[],
  ): StreamEntry<SearchRecord>[] {
    const key = RedisKeys.searchResults(hostId, searchId);
    return this.records.decodeStream(key, hostId, entries, (f) =>
      decodeSearchRecord(f, { hostId, searchId }),
    );
  }
}

/** Parses a window value; anything but a count is treated as no window (the search stops). */
export function windowCount(value: string | null): number | null {
  if (value === null || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}
