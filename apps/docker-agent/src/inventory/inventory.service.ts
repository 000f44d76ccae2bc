import type { Bus } from '@flotilla/bus';
import type { Container, FleetEvent } from '@flotilla/contracts';
import type { AgentMetrics } from '../agent-metrics';
import type { ContainerClient } from '../docker/container-client';
import type { DockerInspect } from '../docker/docker-inspect';
import type { BusHealth } from '../heartbeat/bus-health';
import type { AgentLogger } from '../shared/agent-logger';
import { Backoff, Sleeper } from '../shared/backoff';
import { asRemoved, sameState, toContainerView, type ContainerView } from './container-mapper';
import type { ContainerRegistry } from './container-registry';
import type { RevisionClock } from './revision-clock';
import { describeError } from '@flotilla/logging';

const INSPECT_CONCURRENCY = 4;

/**
 * Keeps the host's snapshot and event stream in step with Docker. One worker does everything in
 * order: a full resync (list, inspect, compare with what the bus held, replace, append the
 * differences) when asked, otherwise a refresh of each container Docker reported an event for.
 * Bursts for one container coalesce into one inspect; nothing for a container is ever reordered.
 */
export class InventoryService {
  private readonly dirty = new Set<string>();
  private resyncReasons: string[] = [];
  private working = false;
  private stopped = false;
  private readonly backoff = new Backoff();
  private readonly sleeper = new Sleeper();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly hostId: string,
    private readonly docker: Pick<ContainerClient, 'listIds' | 'inspect'>,
    private readonly bus: Bus,
    private readonly registry: ContainerRegistry,
    private readonly clock: RevisionClock,
    private readonly metrics: AgentMetrics,
    private readonly busHealth: BusHealth,
    private readonly logger: AgentLogger,
  ) {}

  /** Asks for a full resync (Docker or the bus came back, or the agent starts). */
  requestResync(reason: string): void {
    this.resyncReasons.push(reason);
    this.kick();
  }

  /** Docker reported something about this container. */
  containerEvent(containerId: string): void {
    this.dirty.add(containerId);
    this.kick();
  }

  /** Resolves when there is nothing left to do (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.working) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Publishes nothing more; resolves once an update already in flight has finished. */
  stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.wake();
    return this.idle();
  }

  private kick(): void {
    if (this.working || this.stopped) return;
    this.working = true;
    void this.work().finally(() => {
      this.working = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    });
  }

  private async work(): Promise<void> {
    while (!this.stopped && (this.resyncReasons.length > 0 || this.dirty.size > 0)) {
      try {
        if (this.resyncReasons.length > 0) {
          const reasons = this.resyncReasons;
          this.resyncReasons = [];
          try {
            await this.resync(reasons.join(', '));
          } catch (error: unknown) {
            this.resyncReasons.unshift(...reasons);
            throw error;
          }
        } else {
          const [id] = this.dirty;
          this.dirty.delete(id);
          try {
            await this.refresh(id);
          } catch (error: unknown) {
            this.dirty.add(id);
            throw error;
          }
        }
        this.backoff.reset();
      } catch (error: unknown) {
        const delay = this.backoff.next();
        this.logger.warn(`inventory update failed (retry in ${delay} ms): ${describeError(error)}`);
        await this.sleeper.sleep(delay);
      }
    }
  }

  /** Lists and inspects every container, rewrites the snapshot and publishes what changed. */
  private async resync(reason: string): Promise<void> {
    const ids = await this.docker.listIds();
    const views = await this.inspectAll(ids);
    if (this.stopped) return;
    let held: Container[];
    try {
      held = await this.bus.snapshots.list(this.hostId);
    } catch (error: unknown) {
      this.busHealth.failed(describeError(error));
      throw error;
    }
    const heldById = new Map(held.map((c) => [c.container_id, c]));
    const present = new Set(views.map((v) => v.container_id));
    const next: Container[] = [];
    const changed: Container[] = [];
    for (const view of views) {
      const prev = heldById.get(view.container_id);
      const known = this.registry.get(view.container_id);
      if (prev && prev.state !== 'removed' && sameState(prev, view)) {
        this.clock.observe(view.container_id, prev.revision);
        next.push({ ...view, revision: prev.revision });
      } else {
        const c = {
          ...view,
          revision: this.clock.next(
            view.container_id,
            Math.max(prev?.revision ?? 0, known?.revision ?? 0),
          ),
        };
        next.push(c);
        changed.push(c);
      }
    }
    // Gone while the agent (or the bus) was away: viewers learn they were removed.
    const gone = new Map<string, Container>();
    for (const c of [...held, ...this.registry.all()]) {
      if (!present.has(c.container_id) && c.state !== 'removed' && !gone.has(c.container_id))
        gone.set(c.container_id, c);
    }
    for (const c of gone.values()) {
      const known = Math.max(
        heldById.get(c.container_id)?.revision ?? 0,
        this.registry.get(c.container_id)?.revision ?? 0,
      );
      changed.push({ ...asRemoved(c), revision: this.clock.next(c.container_id, known) });
    }
    try {
      await this.bus.snapshots.replace(this.hostId, next);
      for (const c of changed) await this.append(c);
    } catch (error: unknown) {
      this.busHealth.failed(describeError(error));
      throw error;
    }
    for (const c of gone.keys()) this.clock.forget(c);
    this.registry.replaceAll(next, changed);
    this.metrics.counters.resyncs++;
    this.logger.log(
      `resynced ${next.length} containers (${changed.length} changed) after ${reason}`,
    );
    this.metrics.report({
      type: 'resynced',
      reason,
      containers: next.length,
      changed: changed.length,
    });
  }

  /** Inspects one container and publishes its state if it changed (removed if Docker lost it). */
  private async refresh(containerId: string): Promise<void> {
    const inspect = await this.docker.inspect(containerId);
    const prev = this.registry.get(containerId);
    let next: Container;
    if (inspect === null) {
      if (!prev) return;
      next = { ...asRemoved(prev), revision: this.clock.next(containerId, prev.revision) };
    } else {
      this.noteMemoryLimit(inspect);
      const view: ContainerView = toContainerView(this.hostId, inspect);
      if (prev && sameState(prev, view)) return;
      next = { ...view, revision: this.clock.next(containerId, prev?.revision) };
    }
    // Nothing is published after stop(): the host's last event must be its offline one.
    if (this.stopped) return;
    try {
      await this.bus.snapshots.upsert(next);
      await this.append(next);
    } catch (error: unknown) {
      this.busHealth.failed(describeError(error));
      throw error;
    }
    if (next.state === 'removed') this.clock.forget(containerId);
    this.registry.set(next);
  }

  private async append(container: Container): Promise<void> {
    const event: FleetEvent = { v: 1, type: 'container', container };
    await this.bus.events.append(this.hostId, event);
    this.metrics.counters.containerEvents++;
  }

  private async inspectAll(ids: string[]): Promise<ContainerView[]> {
    const views: ContainerView[] = [];
    for (let i = 0; i < ids.length; i += INSPECT_CONCURRENCY) {
      const batch = await Promise.all(
        ids.slice(i, i + INSPECT_CONCURRENCY).map((id) => this.docker.inspect(id)),
      );
      for (const inspect of batch) {
        if (!inspect) continue;
        this.noteMemoryLimit(inspect);
        views.push(toContainerView(this.hostId, inspect));
      }
    }
    return views;
  }

  /** Records whether the container has a memory limit of its own (its stats say so). */
  private noteMemoryLimit(inspect: DockerInspect): void {
    this.registry.setMemoryLimited(inspect.Id, (inspect.HostConfig?.Memory ?? 0) > 0);
  }
}
