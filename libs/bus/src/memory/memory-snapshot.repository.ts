import { containerSchema, RedisKeys, type Container } from '@flotilla/contracts';
import { decodeJsonValue } from '../codecs';
import type { BusLogger } from '../common/logger';
import type { SnapshotRepository } from '../ports';
import type { MemoryStore } from './memory-store';
import { settle } from './settle';

export class MemorySnapshotRepository implements SnapshotRepository {
  constructor(
    private readonly store: MemoryStore,
    private readonly logger: BusLogger,
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
      const key = RedisKeys.snapshot(hostId);
      this.store.check();
      const text = this.store.hashes.get(key)?.get(containerId);
      return decodeJsonValue(containerSchema, text, `${key} ${containerId}`, this.logger);
    });
  }

  /** Synchronous, so `events.snapshotAt` can pair it with the stream position atomically. */
  read(hostId: string): Container[] {
    const key = RedisKeys.snapshot(hostId);
    this.store.check();
    const hash = this.store.hashes.get(key) ?? new Map<string, string>();
    return [...hash].flatMap(
      ([id, text]) => decodeJsonValue(containerSchema, text, `${key} ${id}`, this.logger) ?? [],
    );
  }
}
