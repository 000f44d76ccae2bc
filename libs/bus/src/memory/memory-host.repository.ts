import { RedisKeys, STREAM_CAPS, type HostInfo, type HostStatus } from '@flotilla/contracts';
import { encodeJson, hostOfflineEvent, toHostStatus } from '../codecs';
import type { HostRecords } from '../common/host-records';
import { HostTrackers } from '../common/host-tracker';
import type { BusLogger } from '../common/logger';
import type { HostRepository, HostTrackOptions } from '../ports';
import type { MemoryStore } from './memory-store';
import { settle } from './settle';

export class MemoryHostRepository implements HostRepository {
  private readonly trackers = new HostTrackers();

  constructor(
    private readonly store: MemoryStore,
    private readonly heartbeatTtlMs: number,
    private readonly records: HostRecords,
    private readonly logger: BusLogger,
  ) {}

  announce(info: HostInfo): Promise<void> {
    return settle(() => {
      this.store.set(RedisKeys.hostInfo(info.host_id), JSON.stringify(info));
      this.store.publish(RedisKeys.announce(info.host_id));
    });
  }

  beat(hostId: string): Promise<void> {
    return settle(() => {
      this.store.set(RedisKeys.heartbeat(hostId), new Date().toISOString(), this.heartbeatTtlMs);
      this.store.publish(RedisKeys.announce(hostId));
    });
  }

  markOffline(info: HostInfo): Promise<void> {
    return settle(() => {
      this.store.del(RedisKeys.heartbeat(info.host_id));
      const fields = encodeJson(hostOfflineEvent(info));
      this.store.xadd(RedisKeys.events(info.host_id), '*', fields, STREAM_CAPS.events);
    });
  }

  track(options?: HostTrackOptions): Promise<() => Promise<void>> {
    return this.trackers.start(
      {
        listen: (onChannel) =>
          settle(() => {
            const stop = this.store.psubscribe(RedisKeys.announcePattern, onChannel);
            return () => settle(stop);
          }),
        scanInfoKeys: () => settle(() => this.store.stringKeys()),
        add: (ids) =>
          settle(() => {
            this.store.check();
            let hosts = this.store.sets.get(RedisKeys.hosts);
            if (!hosts) this.store.sets.set(RedisKeys.hosts, (hosts = new Set()));
            for (const id of ids) hosts.add(id);
          }),
        logger: this.logger,
      },
      options,
    );
  }

  /** Stops every tracker (the bus is closing). */
  close(): Promise<void> {
    return this.trackers.close();
  }

  list(): Promise<HostStatus[]> {
    return settle(() => {
      this.store.check();
      const ids = [...(this.store.sets.get(RedisKeys.hosts) ?? [])].sort();
      return ids.flatMap((id) => this.read(id) ?? []);
    });
  }

  get(hostId: string): Promise<HostStatus | null> {
    return settle(() => {
      return this.read(hostId);
    });
  }

  private read(hostId: string): HostStatus | null {
    const info = this.records.hostInfo(hostId, this.store.get(RedisKeys.hostInfo(hostId)));
    return info && toHostStatus(info, this.store.get(RedisKeys.heartbeat(hostId)));
  }
}
