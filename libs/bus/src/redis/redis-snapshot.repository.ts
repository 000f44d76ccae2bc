import { containerSchema, RedisKeys, type Container } from '@flotilla/contracts';
import type Redis from 'ioredis';
import { decodeJsonValue } from '../codecs';
import type { BusLogger } from '../common/logger';
import type { SnapshotRepository } from '../ports';
import { execAll } from './replies';

export class RedisSnapshotRepository implements SnapshotRepository {
  constructor(
    private readonly redis: Redis,
    private readonly logger: BusLogger,
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
    const key = RedisKeys.snapshot(hostId);
    const text = await this.redis.hget(key, containerId);
    return decodeJsonValue(containerSchema, text, `${key} ${containerId}`, this.logger);
  }

  /** Validates an HGETALL of the snapshot, skipping corrupt containers. */
  decode(hostId: string, hash: Record<string, string>): Container[] {
    const key = RedisKeys.snapshot(hostId);
    return Object.entries(hash).flatMap(
      ([id, text]) => decodeJsonValue(containerSchema, text, `${key} ${id}`, this.logger) ?? [],
    );
  }
}
