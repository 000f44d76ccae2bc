import { RedisKeys } from '@flotilla/contracts';
import { monotonicEpochMs } from '../common/bus-clock';
import type { BusLogger } from '../common/logger';
import { encodePresence, readPresence } from '../common/presence-records';
import type { PresenceRepository, PresenceTargets, ReplicaPresence } from '../ports';
import type { MemoryStore } from './memory-store';
import { settle } from './settle';

/** As the Redis one: a field per replica in one hash, each value carrying its expiry. */
export class MemoryPresenceRepository implements PresenceRepository {
  constructor(
    private readonly store: MemoryStore,
    private readonly logger: BusLogger,
  ) {}

  publish(replica: string, targets: PresenceTargets, ttlMs: number): Promise<void> {
    return settle(() => {
      this.hash().set(replica, encodePresence(targets, monotonicEpochMs() + ttlMs));
    });
  }

  withdraw(replica: string): Promise<void> {
    return settle(() => void this.hash().delete(replica));
  }

  list(): Promise<ReplicaPresence[]> {
    return settle(() => {
      const hash = this.hash();
      const { live, stale } = readPresence(
        Object.fromEntries(hash),
        monotonicEpochMs(),
        this.logger,
      );
      for (const replica of stale) hash.delete(replica);
      return live;
    });
  }

  private hash(): Map<string, string> {
    return this.store.hash(RedisKeys.presence);
  }
}
