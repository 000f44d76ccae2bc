import { RedisKeys } from '@flotilla/contracts';
import type { LeaseKind } from '../ports';

export function leaseKey(kind: LeaseKind, hostId: string): string {
  return kind === 'logs' ? RedisKeys.logLeases(hostId) : RedisKeys.statsLeases(hostId);
}
