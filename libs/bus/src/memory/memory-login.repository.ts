import { RedisKeys } from '@flotilla/contracts';
import type { LoginRepository } from '../ports';
import type { MemoryStore } from './memory-store';
import { settle } from './settle';

/**
 * Sessions and attempt counters held at once, above which expired ones are dropped, then the
 * oldest: a standalone gateway's memory stays bounded under a flood of clients. An evicted
 * session must log in again, which fails closed.
 */
export const MEMORY_LOGIN_ENTRIES_MAX = 100_000;

export class MemoryLoginRepository implements LoginRepository {
  /** The keys this repository wrote, oldest first (the store expires them lazily, on read). */
  private readonly keys = new Set<string>();

  constructor(private readonly store: MemoryStore) {}

  openSession(sessionId: string, user: string, ttlMs: number): Promise<void> {
    return settle(() => {
      const key = RedisKeys.loginSession(sessionId);
      if (ttlMs <= 0) return this.forget(key);
      this.remember(key);
      this.store.set(key, user, ttlMs);
    });
  }

  sessionUser(sessionId: string): Promise<string | null> {
    return settle(() => this.store.get(RedisKeys.loginSession(sessionId)));
  }

  closeSession(sessionId: string): Promise<void> {
    return settle(() => this.forget(RedisKeys.loginSession(sessionId)));
  }

  countAttempt(bucket: string, by: number, windowMs: number): Promise<number> {
    return settle(() => {
      const key = RedisKeys.loginAttempts(bucket);
      this.remember(key);
      return this.store.incrBy(key, by, windowMs);
    });
  }

  private forget(key: string): void {
    this.store.del(key);
    this.keys.delete(key);
  }

  private remember(key: string): void {
    if (this.keys.has(key)) return;
    if (this.keys.size >= MEMORY_LOGIN_ENTRIES_MAX) {
      for (const known of this.keys) if (this.store.get(known) === null) this.keys.delete(known);
      for (const oldest of this.keys) {
        if (this.keys.size < MEMORY_LOGIN_ENTRIES_MAX) break;
        this.forget(oldest);
      }
    }
    this.keys.add(key);
  }
}
