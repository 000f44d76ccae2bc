import { containerOfLeaseMember, leaseMember, RedisKeys } from '@flotilla/contracts';
import type { RedisClient } from './connections';
import type { BusClock } from '../common/bus-clock';
import { leaseKey } from '../common/lease-key';
import type { LeaseKind, LeaseRepository } from '../ports';
import { execAll } from './replies';
import type { WakeHub } from './wake-hub';

export class RedisLeaseRepository implements LeaseRepository {
  constructor(
    private readonly redis: RedisClient,
    private readonly wakes: WakeHub,
    private readonly clock: BusClock,
  ) {}

  async acquire(
    kind: LeaseKind,
    hostId: string,
    containerId: string,
    holder: string,
    ttlMs: number,
  ): Promise<void> {
    // Scored on the bus's clock, as `active` reads it: the holder's and the agent's own clocks
    // never meet.
    const expiresAt = (await this.clock()) + ttlMs;
    const batch = this.redis
      .multi()
      .zadd(leaseKey(kind, hostId), expiresAt, leaseMember(containerId, holder));
    await execAll(batch.publish(RedisKeys.wake(hostId), kind));
  }

  async release(
    kind: LeaseKind,
    hostId: string,
    containerId: string,
    holder: string,
  ): Promise<void> {
    await this.redis.zrem(leaseKey(kind, hostId), leaseMember(containerId, holder));
  }

  async active(kind: LeaseKind, hostId: string): Promise<string[]> {
    const key = leaseKey(kind, hostId);
    const now = await this.clock();
    const [, members] = (await execAll(
      // Purge first, in the same transaction, so expired members are never reported.
      this.redis.multi().zremrangebyscore(key, '-inf', `(${now}`).zrange(key, 0, '-1'),
    )) as [number, string[]];
    return [...new Set(members.map(containerOfLeaseMember))];
  }

  onWake(hostId: string, onWake: () => void): Promise<() => Promise<void>> {
    return this.wakes.subscribe(RedisKeys.wake(hostId), onWake);
  }
}
