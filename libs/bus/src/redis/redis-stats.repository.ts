import { RedisKeys, STREAM_CAPS, type StatsSample } from '@flotilla/contracts';
import type Redis from 'ioredis';
import { JSON_FIELD } from '../codecs';
import type { HostRecords } from '../common/host-records';
import type { StatsRepository, StreamEntry } from '../ports';
import { capped, toRawEntries } from './replies';

export class RedisStatsRepository implements StatsRepository {
  constructor(
    private readonly redis: Redis,
    private readonly records: HostRecords,
  ) {}

  async append(sample: StatsSample): Promise<string> {
    const key = RedisKeys.stats(sample.host_id, sample.container_id);
    const id = await this.redis.xadd(
      key,
      ...capped(STREAM_CAPS.statsEntries),
      '*',
      JSON_FIELD,
      JSON.stringify(sample),
    );
    if (id === null) throw new Error(`XADD to ${key} returned no id`);
    return id;
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
