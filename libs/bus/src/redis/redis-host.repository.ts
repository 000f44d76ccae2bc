import { RedisKeys, STREAM_CAPS, type HostInfo, type HostStatus } from '@flotilla/contracts';
import type Redis from 'ioredis';
import { encodeJson, hostOfflineEvent, JSON_FIELD, toHostStatus } from '../codecs';
import type { HostRecords } from '../common/host-records';
import type { HostRepository } from '../ports';
import { capped, execAll } from './replies';

export class RedisHostRepository implements HostRepository {
  constructor(
    private readonly redis: Redis,
    private readonly heartbeatTtlMs: number,
    private readonly records: HostRecords,
  ) {}

  async announce(info: HostInfo): Promise<void> {
    const batch = this.redis.multi().sadd(RedisKeys.hosts, info.host_id);
    await execAll(batch.set(RedisKeys.hostInfo(info.host_id), JSON.stringify(info)));
  }

  async beat(hostId: string): Promise<void> {
    await this.redis.set(
      RedisKeys.heartbeat(hostId),
      new Date().toISOString(),
      'PX',
      this.heartbeatTtlMs,
    );
  }

  async markOffline(info: HostInfo): Promise<void> {
    const event = encodeJson(hostOfflineEvent(info))[JSON_FIELD];
    const batch = this.redis.multi().del(RedisKeys.heartbeat(info.host_id));
    const events = RedisKeys.events(info.host_id);
    await execAll(batch.xadd(events, ...capped(STREAM_CAPS.events), '*', JSON_FIELD, event));
  }

  async list(): Promise<HostStatus[]> {
    const ids = (await this.redis.smembers(RedisKeys.hosts)).sort();
    return this.read(ids);
  }

  async get(hostId: string): Promise<HostStatus | null> {
    const [status] = await this.read([hostId]);
    return status ?? null;
  }

  /** Two MGETs in one round trip: infos, then heartbeats. */
  private async read(ids: string[]): Promise<HostStatus[]> {
    if (ids.length === 0) return [];
    const [infos, beats] = (await execAll(
      this.redis
        .pipeline()
        .mget(ids.map((id) => RedisKeys.hostInfo(id)))
        .mget(ids.map((id) => RedisKeys.heartbeat(id))),
    )) as [(string | null)[], (string | null)[]];
    return ids.flatMap((id, i) => {
      const info = this.records.hostInfo(id, infos[i]);
      return info ? [toHostStatus(info, beats[i] ?? null)] : [];
    });
  }
}
