import { RedisKeys, STREAM_CAPS, type Container, type FleetEvent } from '@flotilla/contracts';
import type { RedisClient } from './connections';
import { JSON_FIELD } from '../codecs';
import type { HostRecords } from '../common/host-records';
import { ZERO_ID } from '../common/stream-ids';
import type { EventRepository, StreamEntry } from '../ports';
import { capped, execAll, toRawEntries, type RedisStreamEntry } from './replies';
import type { RedisSnapshotRepository } from './redis-snapshot.repository';

export class RedisEventRepository implements EventRepository {
  constructor(
    private readonly redis: RedisClient,
    private readonly snapshots: RedisSnapshotRepository,
    private readonly records: HostRecords,
  ) {}

  async append(hostId: string, event: FleetEvent): Promise<string> {
    const key = RedisKeys.events(hostId);
    const id = await this.redis.xadd(
      key,
      ...capped(STREAM_CAPS.events),
      '*',
      JSON_FIELD,
      JSON.stringify(event),
    );
    if (id === null) throw new Error(`XADD to ${key} returned no id`);
    return id;
  }

  async snapshotAt(hostId: string): Promise<{ containers: Container[]; position: string }> {
    const [hash, newest] = (await execAll(
      this.redis
        .multi()
        .hgetall(RedisKeys.snapshot(hostId))
        .xrevrange(RedisKeys.events(hostId), '+', '-', 'COUNT', 1),
    )) as [Record<string, string>, RedisStreamEntry[]];
    return { containers: this.snapshots.decode(hostId, hash), position: newest[0]?.[0] ?? ZERO_ID };
  }

  async range(hostId: string, after: string, count: number): Promise<StreamEntry<FleetEvent>[]> {
    const key = RedisKeys.events(hostId);
    const entries = await this.redis.xrange(key, `(${after}`, '+', 'COUNT', count);
    return this.records.events(hostId, toRawEntries(entries));
  }

  async window(
    hostId: string,
    sinceMs: number,
    untilMs: number,
    count: number,
  ): Promise<StreamEntry<FleetEvent>[]> {
    const key = RedisKeys.events(hostId);
    const entries = await this.redis.xrevrange(
      key,
      String(untilMs),
      String(sinceMs),
      'COUNT',
      count,
    );
    return this.records.events(hostId, toRawEntries(entries.reverse()));
  }
}
