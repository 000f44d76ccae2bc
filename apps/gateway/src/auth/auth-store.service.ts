import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { RedisKeys } from '@flotilla/contracts';
import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../core/tokens';

const revokedKey = (sid: string) => `${RedisKeys.root}:auth:revoked:${sid}`;
const attemptsKey = (ip: string) => `${RedisKeys.root}:auth:login-attempts:${ip}`;

/** Login attempts allowed per client address per window. */
export const LOGIN_ATTEMPTS = { max: 10, windowMs: 60_000 } as const;

/**
 * What authentication shares between replicas: revoked sessions (kept exactly as long as the
 * token would have lived) and login attempt counters per address. In Redis for a fleet; in
 * memory for a standalone gateway.
 */
@Injectable()
export class AuthStore implements OnModuleDestroy {
  private readonly redis: Redis | undefined;
  private readonly memory = new Map<string, { count: number; until: number }>();

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    if (config.redisUrl && config.authMode === 'users') {
      this.redis = new Redis(config.redisUrl, {
        lazyConnect: false,
        maxRetriesPerRequest: 2,
        connectionName: 'flotilla-auth',
      });
      this.redis.on('error', () => undefined);
    }
  }

  async revoke(sid: string, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    if (this.redis) await this.redis.set(revokedKey(sid), '1', 'PX', Math.ceil(ttlMs));
    else this.memory.set(revokedKey(sid), { count: 1, until: Date.now() + ttlMs });
  }

  async isRevoked(sid: string): Promise<boolean> {
    if (this.redis) return (await this.redis.exists(revokedKey(sid))) === 1;
    return this.live(revokedKey(sid)) !== undefined;
  }

  /** Counts a login attempt from `ip`; false when the address is over its allowance. */
  async allowLoginAttempt(ip: string): Promise<boolean> {
    const key = attemptsKey(ip);
    let count: number;
    if (this.redis) {
      const [[, n]] = (await this.redis
        .multi()
        .incr(key)
        .pexpire(key, LOGIN_ATTEMPTS.windowMs, 'NX')
        .exec()) as [[unknown, number]];
      count = n;
    } else {
      const entry = this.live(key) ?? { count: 0, until: Date.now() + LOGIN_ATTEMPTS.windowMs };
      entry.count++;
      if (this.memory.size > 100_000) this.memory.clear();
      this.memory.set(key, entry);
      count = entry.count;
    }
    return count <= LOGIN_ATTEMPTS.max;
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }

  private live(key: string): { count: number; until: number } | undefined {
    const entry = this.memory.get(key);
    if (entry && entry.until <= Date.now()) {
      this.memory.delete(key);
      return undefined;
    }
    return entry;
  }
}
