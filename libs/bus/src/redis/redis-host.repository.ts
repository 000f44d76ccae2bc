import { RedisKeys, STREAM_CAPS, type HostInfo, type HostStatus } from '@flotilla/contracts';
import type { RedisClient } from './connections';
import { encodeJson, hostOfflineEvent, JSON_FIELD, toHostStatus } from '../codecs';
import type { HostRecords } from '../common/host-records';
import { HostTrackers } from '../common/host-tracker';
import type { BusLogger } from '../common/logger';
import type { HostRepository, HostTrackOptions } from '../ports';
import { keyServers } from './cluster-nodes';
import { capped, execAll } from './replies';
import type { WakeHub } from './wake-hub';

/** Keys per SCAN step while looking for info keys. */
const SCAN_COUNT = 1_000;

export class RedisHostRepository implements HostRepository {
  private readonly trackers = new HostTrackers();

  constructor(
    private readonly redis: RedisClient,
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

  /** SCAN walks one server's keys: on a cluster, every master is walked. */
  private async scanInfoKeys(): Promise<string[]> {
    const found: string[] = [];
    for (const server of keyServers(this.redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await server.scan(
          cursor,
          'MATCH',
          RedisKeys.hostInfoPattern,
          'COUNT',
          SCAN_COUNT,
        );
        found.push(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
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

  /**
   * One MGET per host (its info and heartbeat share the host's slot), all sent at once: every
   * host's keys live in a slot of their own, so an MGET across hosts would be refused on a
   * cluster (CROSSSLOT).
   */
  private async read(ids: string[]): Promise<HostStatus[]> {
    const replies = await Promise.all(
      ids.map((id) => this.redis.mget(RedisKeys.hostInfo(id), RedisKeys.heartbeat(id))),
    );
    return ids.flatMap((id, i) => {
      const [info, beat] = replies[i];
      const record = this.records.hostInfo(id, info);
      return record ? [toHostStatus(record, beat ?? null)] : [];
    });
  }
}
