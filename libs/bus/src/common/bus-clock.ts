import type { RedisClient } from '../redis/connections';

/** The bus's clock as a function; every expiry shared between hosts is read from it. */
export type BusClock = () => Promise<number>;

/**
 * Redis `TIME` in epoch ms: the one clock every agent and gateway of a fleet share. On a Redis
 * Cluster any node answers: nodes' clocks are expected to agree (NTP) to well within a lease.
 */
export function redisClock(redis: RedisClient): BusClock {
  return async () => {
    const [seconds, micros] = await redis.time();
    return Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
  };
}

/**
 * The in-process bus's clock: monotonic (it never steps back when the wall clock is set), so
 * what a memory lease or command deadline means does not move with `Date.now()`.
 */
export function monotonicEpochMs(): number {
  return Math.floor(performance.timeOrigin + performance.now());
}
