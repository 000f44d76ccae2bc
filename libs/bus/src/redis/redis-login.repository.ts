import { RedisKeys } from '@flotilla/contracts';
import type { RedisClient } from './connections';
import type { LoginRepository } from '../ports';
import { execAll } from './replies';

export class RedisLoginRepository implements LoginRepository {
  constructor(private readonly redis: RedisClient) {}

  async openSession(sessionId: string, user: string, ttlMs: number): Promise<void> {
    const key = RedisKeys.loginSession(sessionId);
    // A session that has already expired is not recorded (SET refuses a TTL below 1 ms).
    if (ttlMs <= 0) await this.redis.del(key);
    else await this.redis.set(key, user, 'PX', Math.ceil(ttlMs));
  }

  sessionUser(sessionId: string): Promise<string | null> {
    return this.redis.get(RedisKeys.loginSession(sessionId));
  }

  async closeSession(sessionId: string): Promise<void> {
    await this.redis.del(RedisKeys.loginSession(sessionId));
  }

  async countAttempt(bucket: string, by: number, windowMs: number): Promise<number> {
    const key = RedisKeys.loginAttempts(bucket);
    // One transaction: a counter never exists without its expiry.
    const [count] = await execAll(this.redis.multi().incrby(key, by).pexpire(key, windowMs, 'NX'));
    return Number(count);
  }
}
