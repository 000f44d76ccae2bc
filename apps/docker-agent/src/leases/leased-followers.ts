import type { Container } from '@flotilla/contracts';
import type { ContainerRegistry } from '../inventory/container-registry';

/** One Docker stream (logs or stats) of one container. */
export interface LeasedFollower {
  /** `onEnd` is called if the stream ends on its own (the container stopped). */
  start(onEnd: () => void): void;
  containerChanged(): void;
  stop(): Promise<void>;
}

export interface LeasedFollowersOptions<F> {
  create(containerId: string): F;
  /** Keep following a container that left the registry until its lease goes (logs drain). */
  keepUnknown: boolean;
  onFollow?(containerId: string): void;
  onDrop?(containerId: string): void;
}

/**
 * Follows exactly the leased containers: one follower (one Docker stream) per container whatever
 * the number of leases on it (invariant I1, docs/architecture.md). A container gets a follower when it is leased and known on this
 * host, and loses it when its lease is gone.
 */
export class LeasedFollowers<F extends LeasedFollower> {
  private readonly followers = new Map<string, F>();
  private leased: ReadonlySet<string> = new Set();
  private stopped = false;

  constructor(
    private readonly registry: ContainerRegistry,
    private readonly options: LeasedFollowersOptions<F>,
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
      const follower = this.options.create(id);
      this.followers.set(id, follower);
      this.options.onFollow?.(id);
      follower.start(() => {
        if (this.followers.get(id) === follower) this.followers.delete(id);
      });
    }
    for (const [id, follower] of this.followers) {
      if (this.leased.has(id) && (this.options.keepUnknown || this.registry.get(id))) continue;
      this.followers.delete(id);
      this.options.onDrop?.(id);
      void follower.stop();
    }
  }
}
