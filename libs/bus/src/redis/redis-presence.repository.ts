import { RedisKeys } from '@flotilla/contracts';
import type { BusClock } from '../common/bus-clock';
import type { BusLogger } from '../common/logger';
import { encodePresence, readPresence } from '../common/presence-records';
import type { PresenceRepository, PresenceTargets, ReplicaPresence } from '../ports';
import type { RedisClient } from './connections';

/** One hash, `RedisKeys.presence`: a field per replica, its expiry inside the value (bus time). */
export class RedisPresenceRepository implements PresenceRepository {
  constructor(
    private readonly redis: RedisClient,
    private readonly time: BusClock,
    private readonly logger: BusLogger,
  ) {}

  async publish(replica: string, targets: PresenceTargets, ttlMs: number): Promise<void> {
    const now = await this.time();
    await this.redis.hset(RedisKeys.presence, replica, encodePresence(targets, now + ttlMs));
  }

  async withdraw(replica: string): Promise<void> {
    await this.redis.hdel(RedisKeys.presence, replica);
  }

  async list(): Promise<ReplicaPresence[]> {
    const [fields, now] = await Promise.all([this.redis.hgetall(RedisKeys.presence), this.time()]);
    const { live, stale } = readPresence(fields, now, this.logger);
    if (stale.length > 0) await this.redis.hdel(RedisKeys.presence, ...stale);
    return live;
  }
}
