import type { Container } from '@flotilla/contracts';
import type { ContainerRegistry } from '../inventory/container-registry';
import { StatsFollower, type StatsFollowerDeps } from './stats-follower';

/** Samples exactly the containers with a stats lease: one Docker stats stream each (I1). */
export class StatsService {
  private readonly followers = new Map<string, StatsFollower>();
  private leased: ReadonlySet<string> = new Set();
  private stopped = false;

  constructor(
    private readonly registry: ContainerRegistry,
    private readonly deps: Omit<StatsFollowerDeps, 'isRunning'>,
  ) {}

  setLeased(containerIds: ReadonlySet<string>): void {
    this.leased = containerIds;
    this.reconcile();
  }

  containerChanged(container: Container): void {
    this.followers.get(container.container_id)?.containerChanged();
    if (this.leased.has(container.container_id)) this.reconcile();
  }

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
      if (this.followers.has(id)) continue;
      const known = this.registry.get(id);
      if (!known) continue;
      const follower = new StatsFollower(id, {
        ...this.deps,
        isRunning: (cid) => ['running', 'paused'].includes(this.registry.get(cid)?.state ?? ''),
      });
      this.followers.set(id, follower);
      follower.start();
    }
    for (const [id, follower] of this.followers) {
      if (this.leased.has(id) && this.registry.get(id)) continue;
      this.followers.delete(id);
      void follower.stop();
    }
  }
}
