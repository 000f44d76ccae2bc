import type { Container } from '@flotilla/contracts';
import type { ContainerRegistry } from '../inventory/container-registry';
import type { AgentLogger } from '../shared/agent-logger';
import { LogFollower, type LogFollowerDeps } from './log-follower';

/**
 * Follows exactly the leased containers' logs: one follower (one Docker stream) per container
 * whatever the number of leases on it (I1). A container gets a follower when it is leased and
 * known on this host, and loses it when its lease is gone.
 */
export class LogsService {
  private readonly followers = new Map<string, LogFollower>();
  private leased: ReadonlySet<string> = new Set();
  private stopped = false;

  constructor(
    private readonly registry: ContainerRegistry,
    private readonly deps: LogFollowerDeps,
    private readonly logger: AgentLogger,
  ) {}

  setLeased(containerIds: ReadonlySet<string>): void {
    this.leased = containerIds;
    this.reconcile();
  }

  containerChanged(container: Container): void {
    this.followers.get(container.container_id)?.containerChanged();
    if (this.leased.has(container.container_id)) this.reconcile();
  }

  /** Containers followed right now. */
  followed(): string[] {
    return [...this.followers.keys()];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.followers.values()].map((f) => f.stop()));
    this.followers.clear();
  }

  private reconcile(): void {
    if (this.stopped) return;
    for (const id of this.leased) {
      if (this.followers.has(id) || !this.registry.get(id)) continue;
      const follower = new LogFollower(id, this.deps);
      this.followers.set(id, follower);
      this.logger.debug(`following logs of ${id}`);
      follower.start(() => {
        if (this.followers.get(id) === follower) this.followers.delete(id);
      });
    }
    for (const [id, follower] of this.followers) {
      if (this.leased.has(id)) continue;
      this.followers.delete(id);
      this.logger.debug(`no more lease on the logs of ${id}`);
      void follower.stop();
    }
  }
}
