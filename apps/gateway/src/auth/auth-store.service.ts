import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { RedisKeys } from '@flotilla/contracts';
import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../core/tokens';
import { describeError } from '@flotilla/logging';

const sessionKey = (sid: string) => `${RedisKeys.root}:auth:session:${sid}`;
const attemptsKey = (bucket: string) =>
  `${RedisKeys.root}:auth:login-attempts:${encodeURIComponent(bucket)}`;

/**
 * Failed (or still running) login attempts allowed per window: at one user name from one client,
 * and from one client in all. Nothing counts per user name alone, so no one can lock a user out
 * from elsewhere.
 */
export const LOGIN_ATTEMPTS = { perUser: 10, perClient: 30, windowMs: 60_000 } as const;

const attemptBuckets = (client: string, user: string): [string, string] => [
  `client:${client}`,
  `user:${client}:${user}`,
];

const MEMORY_ENTRIES_MAX = 100_000;

/** Redis, which holds sessions and attempt counters, cannot be reached. */
export class AuthStoreUnavailableError extends Error {}

/**
 * What authentication shares between replicas: the live sessions (one record per session,
 * living exactly as long as its token: a token without its record is refused, so losing Redis's
 * data ends sessions instead of reviving logged-out ones) and the login attempt counters. In
 * Redis for a fleet; in memory for a standalone gateway.
 */
@Injectable()
export class AuthStore implements OnModuleDestroy {
  private readonly redis: Redis | undefined;
  private readonly sessions = new Map<string, { user: string; until: number }>();
  private readonly attempts = new Map<string, { count: number; until: number }>();

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    if (config.redisUrl && config.authMode === 'users') {
      this.redis = new Redis(config.redisUrl, {
        lazyConnect: false,
        maxRetriesPerRequest: 2,
        // A login waits at most this long for an unreachable Redis before it is told so.
        commandTimeout: 2_000,
        connectionName: 'flotilla-auth',
      });
      this.redis.on('error', () => undefined);
    }
  }

  /** Records a new session of `user`, valid for `ttlMs`. */
  async openSession(sid: string, user: string, ttlMs: number): Promise<void> {
    if (this.redis) {
      await this.unavailableOnError(this.redis.set(sessionKey(sid), user, 'PX', Math.ceil(ttlMs)));
      return;
    }
    this.sweep(this.sessions);
    this.sessions.set(sid, { user, until: Date.now() + ttlMs });
  }

  /** The user of a live session; null when it ended, expired or was never recorded here. */
  async sessionUser(sid: string): Promise<string | null> {
    if (this.redis) return this.unavailableOnError(this.redis.get(sessionKey(sid)));
    const session = this.sessions.get(sid);
    return session && session.until > Date.now() ? session.user : null;
  }

  async closeSession(sid: string): Promise<void> {
    if (this.redis) await this.unavailableOnError(this.redis.del(sessionKey(sid)));
    else this.sessions.delete(sid);
  }

  /**
   * Counts a login attempt at `user` from the client whose rate-limit bucket is `client`; false
   * when either allowance is spent. Counted before the password is checked, so parallel
   * attempts cannot slip past the limit.
   */
  async allowLoginAttempt(client: string, user: string): Promise<boolean> {
    const [perClient, perUser] = await Promise.all(
      attemptBuckets(client, user).map((bucket) => this.count(bucket, 1)),
    );
    return perClient <= LOGIN_ATTEMPTS.perClient && perUser <= LOGIN_ATTEMPTS.perUser;
  }

  /** A successful login does not count against its client. */
  async refundLoginAttempt(client: string, user: string): Promise<void> {
    await Promise.all(attemptBuckets(client, user).map((bucket) => this.count(bucket, -1)));
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }

  private async count(bucket: string, by: 1 | -1): Promise<number> {
    const key = attemptsKey(bucket);
    if (this.redis) {
      const [[, n]] = (await this.unavailableOnError(
        this.redis.multi().incrby(key, by).pexpire(key, LOGIN_ATTEMPTS.windowMs, 'NX').exec(),
      )) as [[unknown, number]];
      return n;
    }
    const now = Date.now();
    const live = this.attempts.get(key);
    const entry =
      live && live.until > now ? live : { count: 0, until: now + LOGIN_ATTEMPTS.windowMs };
    entry.count += by;
    this.sweep(this.attempts);
    this.attempts.set(key, entry);
    return entry.count;
  }

  /**
   * Keeps an in-memory map bounded: once it is large, expired entries go, then the oldest (an
   * evicted session must log in again: that fails closed).
   */
  private sweep(map: Map<string, { until: number }>): void {
    if (map.size < MEMORY_ENTRIES_MAX) return;
    const now = Date.now();
    for (const [key, entry] of map) if (entry.until <= now) map.delete(key);
    for (const key of map.keys()) {
      if (map.size < MEMORY_ENTRIES_MAX) break;
      map.delete(key);
    }
  }

  private async unavailableOnError<T>(operation: Promise<T>): Promise<T> {
    try {
      return await operation;
    } catch (error: unknown) {
      throw new AuthStoreUnavailableError(`sessions store unreachable: ${describeError(error)}`);
    }
  }
}
