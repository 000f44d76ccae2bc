import { RedisKeys, STREAM_CAPS, type StatsSample } from '@flotilla/contracts';
import type { RedisClient } from './connections';
import { JSON_FIELD } from '../codecs';
import type { HostRecords } from '../common/host-records';
import type { Retention } from '../common/retention';
import type { StatsRepository, StreamEntry } from '../ports';
import { toRawEntries } from './replies';

export class RedisStatsRepository implements StatsRepository {
  constructor(
    private readonly redis: RedisClient,
    private readonly records: HostRecords,
    private readonly retention: Retention,
  ) {}

  async append(sample: StatsSample): Promise<string> {
    return this.retention.append(
      sample.host_id,
      'stats',
      sample.container_id,
      '*',
      { [JSON_FIELD]: JSON.stringify(sample) },
      STREAM_CAPS.statsEntries,
    );
  }

  async latest(
    hostId: string,
    containerId: string,
    count: number,
  ): Promise<StreamEntry<StatsSample>[]> {
    const key = RedisKeys.stats(hostId, containerId);
    const newestFirst = await this.redis.xrevrange(key, '+', '-', 'COUNT', count);
    return this.records.stats(hostId, containerId, toRawEntries(newestFirst).reverse());
  }
}
