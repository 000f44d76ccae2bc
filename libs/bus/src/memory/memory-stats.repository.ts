import { RedisKeys, STREAM_CAPS, type StatsSample } from '@flotilla/contracts';
import { encodeJson } from '../codecs';
import type { HostRecords } from '../common/host-records';
import type { Retention } from '../common/retention';
import type { StatsRepository, StreamEntry } from '../ports';
import type { MemoryStore } from './memory-store';
import { rawEntries } from './raw-entries';
import { settle } from './settle';

export class MemoryStatsRepository implements StatsRepository {
  constructor(
    private readonly store: MemoryStore,
    private readonly records: HostRecords,
    private readonly retention: Retention,
  ) {}

  append(sample: StatsSample): Promise<string> {
    return this.retention.append(
      sample.host_id,
      'stats',
      sample.container_id,
      '*',
      encodeJson(sample),
      STREAM_CAPS.statsEntries,
    );
  }

  latest(hostId: string, containerId: string, count: number): Promise<StreamEntry<StatsSample>[]> {
    return settle(() => {
      this.store.check();
      const key = RedisKeys.stats(hostId, containerId);
      const newestFirst = this.store.stream(key)?.revRange(null, count) ?? [];
      return this.records.stats(hostId, containerId, rawEntries(newestFirst).reverse());
    });
  }
}
