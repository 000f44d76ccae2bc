import { containerOfLeaseMember, leaseMember, RedisKeys } from '@flotilla/contracts';
import { monotonicEpochMs } from '../common/bus-clock';
import { type BusLogger } from '../common/logger';
import { leaseKey } from '../common/lease-key';
import type { LeaseKind, LeaseRepository } from '../ports';
import type { MemoryStore } from './memory-store';
import { settle } from './settle';
import { describeError } from '@flotilla/logging';

export class MemoryLeaseRepository implements LeaseRepository {
  constructor(
    private readonly store: MemoryStore,
    private readonly logger: BusLogger,
  ) {}

  acquire(
    kind: LeaseKind,
    hostId: string,
    containerId: string,
    holder: string,
    ttlMs: number,
  ): Promise<void> {
    return settle(() => {
      this.store
        .sortedSet(leaseKey(kind, hostId))
        .set(leaseMember(containerId, holder), monotonicEpochMs() + ttlMs);
      this.store.publish(RedisKeys.wake(hostId));
    });
  }

  release(kind: LeaseKind, hostId: string, containerId: string, holder: string): Promise<void> {
    return settle(() => {
      this.store.check();
      this.store.sortedSets.get(leaseKey(kind, hostId))?.delete(leaseMember(containerId, holder));
    });
  }

  active(kind: LeaseKind, hostId: string): Promise<string[]> {
    return settle(() => {
      this.store.check();
      const leases = this.store.sortedSets.get(leaseKey(kind, hostId)) ?? new Map<string, number>();
      const now = monotonicEpochMs();
      const live = new Set<string>();
      for (const [member, expiresAt] of leases) {
        // Same bound as ZREMRANGEBYSCORE -inf (now: a lease is live up to its expiry ms.
        if (expiresAt < now) leases.delete(member);
        else live.add(containerOfLeaseMember(member));
      }
      return [...live];
    });
  }

  onWake(hostId: string, onWake: () => void): Promise<() => Promise<void>> {
    return settle(() => {
      const unsubscribe = this.store.subscribe(RedisKeys.wake(hostId), () => {
        try {
          onWake();
        } catch (error: unknown) {
          this.logger.error(`wake handler for ${hostId} failed: ${describeError(error)}`);
        }
      });
      return () => settle(unsubscribe);
    });
  }
}
