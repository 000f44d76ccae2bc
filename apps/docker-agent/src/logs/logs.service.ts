import type { ContainerRegistry } from '../inventory/container-registry';
import { LeasedFollowers } from '../leases/leased-followers';
import type { AgentLogger } from '../shared/agent-logger';
import { LogFollower, type LogFollowerDeps } from './log-follower';

/** The leased containers' logs; a follower stays until its lease goes, so a removed container's log drains. */
export class LogsService extends LeasedFollowers<LogFollower> {
  constructor(registry: ContainerRegistry, deps: LogFollowerDeps, logger: AgentLogger) {
    super(registry, {
      create: (id) => new LogFollower(id, deps),
      keepUnknown: true,
      onFollow: (id) => logger.debug(`following logs of ${id}`),
      onDrop: (id) => logger.debug(`no more lease on the logs of ${id}`),
    });
  }
}
