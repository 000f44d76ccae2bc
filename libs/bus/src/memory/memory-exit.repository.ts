import { RedisKeys, STREAM_CAPS, type ExitRecord } from '@flotilla/contracts';
import { encodeJson } from '../codecs';
import { collectExits } from '../common/exit-records';
import type { HostRecords } from '../common/host-records';
import type { ExitRepository, StreamEntry } from '../ports';
import type { MemoryStore } from './memory-store';
import { readBackwards } from './raw-entries';
import { settle } from './settle';

export class MemoryExitRepository implements ExitRepository {
  constructor(
    private readonly store: MemoryStore,
    private readonly records: HostRecords,
  ) {}

  append(record: ExitRecord): Promise<string> {
    return settle(() =>
      this.store.xadd(RedisKeys.exits(record.host_id), '*', encodeJson(record), STREAM_CAPS.exits),
    );
  }

  list(
    hostId: string,
    limit: number,
    accept: (record: ExitRecord) => boolean = () => true,
  ): Promise<StreamEntry<ExitRecord>[]> {
    const key = RedisKeys.exits(hostId);
    return collectExits(this.records, hostId, readBackwards(this.store, key), limit, accept);
  }
}
