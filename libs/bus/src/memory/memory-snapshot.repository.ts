import { RedisKeys, type Container } from '@flotilla/contracts';
import type { HostRecords } from '../common/host-records';
import type { SnapshotRepository } from '../ports';
import type { MemoryStore } from './memory-store';
import { settle } from './settle';

export class MemorySnapshotRepository implements SnapshotRepository {
  constructor(
    private readonly store: MemoryStore,
    private readonly records: HostRecords,
  ) {}

  replace(hostId: string, containers: Container[]): Promise<void> {
    return settle(() => {
      const key = RedisKeys.snapshot(hostId);
      this.store.del(key);
      const hash = this.store.hash(key);
      for (const container of containers)
        hash.set(container.container_id, JSON.stringify(container));
    });
  }

  upsert(container: Container): Promise<void> {
    return settle(() => {
      const hash = this.store.hash(RedisKeys.snapshot(container.host_id));
      hash.set(container.container_id, JSON.stringify(container));
    });
  }

  list(hostId: string): Promise<Container[]> {
    return settle(() => {
      return this.read(hostId);
    });
  }

  get(hostId: string, containerId: string): Promise<Container | null> {
    return settle(() => {
      this.store.check();
      const text = this.store.hashes.get(RedisKeys.snapshot(hostId))?.get(containerId);
      return this.records.container(hostId, containerId, text);
    });
  }

  /** Synchronous, so `events.snapshotAt` can pair it with the stream position atomically. */
  read(hostId: string): Container[] {
    this.store.check();
    return this.records.containers(hostId, this.store.hashes.get(RedisKeys.snapshot(hostId)) ?? []);
  }
}
