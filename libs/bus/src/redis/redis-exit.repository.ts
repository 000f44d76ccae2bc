import { RedisKeys, STREAM_CAPS, type ExitRecord } from '@flotilla/contracts';
import { encodeJson } from '../codecs';
import { collectExits } from '../common/exit-records';
import type { HostRecords } from '../common/host-records';
import type { ExitRepository, StreamEntry } from '../ports';
import type { RedisClient } from './connections';
import { capped, readBackwards } from './replies';

export class RedisExitRepository implements ExitRepository {
  constructor(
    private readonly redis: RedisClient,
    private readonly records: HostRecords,
  ) {}

  async append(record: ExitRecord): Promise<string> {
    const key = RedisKeys.exits(record.host_id);
    const fields = Object.entries(encodeJson(record)).flat();
    const id = await this.redis.xadd(key, ...capped(STREAM_CAPS.exits), '*', ...fields);
    if (id === null) throw new Error(`XADD to ${key} returned no id`);
    return id;
  }

  list(
    hostId: string,
    limit: number,
    accept: (record: ExitRecord) => boolean = () => true,
  ): Promise<StreamEntry<ExitRecord>[]> {
    const key = RedisKeys.exits(hostId);
    return collectExits(this.records, hostId, readBackwards(this.redis, key), limit, accept);
  }
}
