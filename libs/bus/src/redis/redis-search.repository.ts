import {
  RedisKeys,
  STREAM_CAPS,
  TIMINGS,
  type SearchRecord,
  type SearchRequest,
} from '@flotilla/contracts';
import { JSON_FIELD, type RawStreamEntry } from '../codecs';
import { SearchRecords, windowCount } from '../common/search-records';
import type { HostRecords } from '../common/host-records';
import { ZERO_ID } from '../common/stream-ids';
import type { SearchRepository, StreamEntry } from '../ports';
import type { RedisClient } from './connections';
import { capped, execAll, type RedisStreamEntry } from './replies';

/** A result stream outlives its search by this much at most, should its gateway die. */
const RESULTS_TTL_MS = 60_000;

export class RedisSearchRepository implements SearchRepository {
  private readonly decoder: SearchRecords;

  constructor(
    private readonly redis: RedisClient,
    records: HostRecords,
  ) {
    this.decoder = new SearchRecords(records);
  }

  async request(request: SearchRequest): Promise<void> {
    const { host_id: hostId, search_id: searchId } = request;
    await execAll(
      // One slot (the host's hash tag): the window exists before the agent can see the request.
      this.redis
        .multi()
        .set(RedisKeys.searchWindow(hostId, searchId), '0', 'PX', TIMINGS.searchWindowTtlMs)
        .xadd(
          RedisKeys.searchRequests(hostId),
          ...capped(STREAM_CAPS.searchRequests),
          '*',
          JSON_FIELD,
          JSON.stringify(request),
        ),
    );
  }

  async newestRequest(hostId: string): Promise<string> {
    const [newest] = (await this.redis.xrevrange(
      RedisKeys.searchRequests(hostId),
      '+',
      '-',
      'COUNT',
      1,
    )) as RedisStreamEntry[];
    return newest?.[0] ?? ZERO_ID;
  }

  requests(hostId: string, entries: readonly RawStreamEntry[]): StreamEntry<SearchRequest>[] {
    return this.decoder.requests(hostId, entries);
  }

  async publish(record: SearchRecord): Promise<void> {
    const key = RedisKeys.searchResults(record.host_id, record.search_id);
    await execAll(
      this.redis
        .multi()
        .xadd(key, ...capped(STREAM_CAPS.searchResults), '*', JSON_FIELD, JSON.stringify(record))
        .pexpire(key, RESULTS_TTL_MS),
    );
  }

  results(
    hostId: string,
    searchId: string,
    entries: readonly RawStreamEntry[],
  ): StreamEntry<SearchRecord>[] {
    return this.decoder.results(hostId, searchId, entries);
  }

  async renew(hostId: string, searchId: string, consumed: number, ttlMs: number): Promise<void> {
    await this.redis.set(RedisKeys.searchWindow(hostId, searchId), String(consumed), 'PX', ttlMs);
  }

  async consumed(hostId: string, searchId: string): Promise<number | null> {
    return windowCount(await this.redis.get(RedisKeys.searchWindow(hostId, searchId)));
  }

  async end(hostId: string, searchId: string): Promise<void> {
    await this.redis.del(
      RedisKeys.searchWindow(hostId, searchId),
      RedisKeys.searchResults(hostId, searchId),
    );
  }
}
