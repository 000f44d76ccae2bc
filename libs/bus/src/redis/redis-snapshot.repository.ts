import { RedisKeys, type Container } from '@flotilla/contracts';
import type { RedisClient } from './connections';
import type { HostRecords } from '../common/host-records';
import type { SnapshotRepository } from '../ports';
import { execAll } from './replies';

export class RedisSnapshotRepository implements SnapshotRepository {
  constructor(
    private readonly redis: RedisClient,
    private readonly records: HostRecords,
  ) {}

  async replace(hostId: string, containers: Container[]): Promise<void> {
    const key = RedisKeys.snapshot(hostId);
    const batch = this.redis.multi().del(key);
    if (containers.length > 0) {
      batch.hset(key, ...containers.flatMap((c) => [c.container_id, JSON.stringify(c)]));
    }
    await execAll(batch);
  }

  async upsert(container: Container): Promise<void> {
    const key = RedisKeys.snapshot(container.host_id);
    await this.redis.hset(key, container.container_id, JSON.stringify(container));
  }

  async list(hostId: string): Promise<Container[]> {
    return this.decode(hostId, await this.redis.hgetall(RedisKeys.snapshot(hostId)));
  }

  async get(hostId: string, containerId: string): Promise<Container | null> {
    const text = await this.redis.hget(RedisKeys.snapshot(hostId), containerId);
    return this.records.container(hostId, containerId, text);
  }

  /** Validates an HGETALL of the snapshot, skipping corrupt and forged containers. */
  decode(hostId: string, hash: Record<string, string>): Container[] {
    return this.records.containers(hostId, Object.entries(hash));
  }
}
