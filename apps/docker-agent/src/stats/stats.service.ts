import type { ContainerRegistry } from '../inventory/container-registry';
import { LeasedFollowers } from '../leases/leased-followers';
import { StatsFollower, type StatsFollowerDeps } from './stats-follower';

/** Samples exactly the containers with a stats lease that this host still has. */
export class StatsService extends LeasedFollowers<StatsFollower> {
  constructor(
    registry: ContainerRegistry,
    deps: Omit<StatsFollowerDeps, 'isRunning' | 'memoryLimited'>,
  ) {
    super(registry, {
      create: (id) =>
        new StatsFollower(id, {
          ...deps,
          isRunning: (cid) => ['running', 'paused'].includes(registry.get(cid)?.state ?? ''),
          memoryLimited: (cid) => registry.memoryLimited(cid),
        }),
      keepUnknown: false,
    });
  }
}
