import { RedisKeys, STREAM_CAPS, type HostInfo, type HostStatus } from '@flotilla/contracts';
import type Redis from 'ioredis';
import { encodeJson, hostOfflineEvent, JSON_FIELD, toHostStatus } from '../codecs';
import type { HostRecords } from '../common/host-records';
import { HostTrackers } from '../common/host-tracker';
import type { BusLogger } from '../common/logger';
import type { HostRepository, HostTrackOptions } from '../ports';
import { capped, execAll } from './replies';
import type { WakeHub } from './wake-hub';

/** Keys per SCAN step while looking for info keys. */
const SCAN_COUNT = 1_000;

export class RedisHostRepository implements HostRepository {
  private readonly trackers = new HostTrackers();

  constructor(
    private readonly redis: Redis,
    private readonly wakes: WakeHub,
    private readonly heartbeatTtlMs: number,
    private readonly records: HostRecords,
    private readonly logger: BusLogger,
  ) {}

  /** The info first: a gateway that hears the announcement can read it. */
  async announce(info: HostInfo): Promise<void> {
    const batch = this.redis.multi().set(RedisKeys.hostInfo(info.host_id), JSON.stringify(info));
    await execAll(batch.publish(RedisKeys.announce(info.host_id), ''));
  }

  async beat(hostId: string): Promise<void> {
    const beat = new Date().toISOString();
    const batch = this.redis
      .multi()
      .set(RedisKeys.heartbeat(hostId), beat, 'PX', this.heartbeatTtlMs);
    await execAll(batch.publish(RedisKeys.announce(hostId), ''));
  }

  async markOffline(info: HostInfo): Promise<void> {
    const event = encodeJson(hostOfflineEvent(info))[JSON_FIELD];
    const batch = this.redis.multi().del(RedisKeys.heartbeat(info.host_id));
    const events = RedisKeys.events(info.host_id);
    await execAll(batch.xadd(events, ...capped(STREAM_CAPS.events), '*', JSON_FIELD, event));
  }

  track(options?: HostTrackOptions): Promise<() => Promise<void>> {
    return this.trackers.start(
      {
        listen: (onChannel) => this.wakes.psubscribe(RedisKeys.announcePattern, onChannel),
        scanInfoKeys: () => this.scanInfoKeys(),
        add: async (ids) => void (await this.redis.sadd(RedisKeys.hosts, ...ids)),
        logger: this.logger,
      },
      options,
    );
  }

  /** Stops every tracker (the bus is closing). */
  close(): Promise<void> {
    return this.trackers.close();
  }

  private async scanInfoKeys(): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(
        cursor,
        'MATCH',
        RedisKeys.hostInfoPattern,
        'COUNT',
        SCAN_COUNT,
      );
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    return found;
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
