import type { Container } from '@flotilla/contracts';

export type ContainerListener = (container: Container) => void;

/**
 * What the agent last published about each container of its host. Followers (logs, stats) read
 * it to know a container's state and TTY, and listen to it to learn that a container started.
 */
export class ContainerRegistry {
  private readonly containers = new Map<string, Container>();
  /** Whether each container has a memory limit of its own, per its latest inspect. */
  private readonly memoryLimits = new Map<string, boolean>();
  private readonly listeners = new Set<ContainerListener>();

  get(containerId: string): Container | undefined {
    return this.containers.get(containerId);
  }

  /**
   * Whether the container has a memory limit of its own (undefined until inspected): Docker
   * reports the host's RAM as the limit of a container without one.
   */
  memoryLimited(containerId: string): boolean | undefined {
    return this.memoryLimits.get(containerId);
  }

  /** Records what the inventory's inspect said of the container's memory limit. */
  setMemoryLimited(containerId: string, limited: boolean): void {
    this.memoryLimits.set(containerId, limited);
  }

  all(): Container[] {
    return [...this.containers.values()];
  }

  /** Records a published state and tells the listeners; a removed container is forgotten. */
  set(container: Container): void {
    if (container.state === 'removed') {
      this.containers.delete(container.container_id);
      this.memoryLimits.delete(container.container_id);
    } else this.containers.set(container.container_id, container);
    for (const listener of this.listeners) listener(container);
  }

  /** Replaces everything (after a resync); listeners hear about the containers that changed. */
  replaceAll(containers: Container[], changed: Container[]): void {
    this.containers.clear();
    for (const c of containers) this.containers.set(c.container_id, c);
    for (const id of this.memoryLimits.keys())
      if (!this.containers.has(id)) this.memoryLimits.delete(id);
    for (const c of changed) for (const listener of this.listeners) listener(c);
  }

  onChange(listener: ContainerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** States in which a container's process runs (its log stream follows until it stops). */
export function isLive(container: Pick<Container, 'state'> | undefined): boolean {
  return (
    container?.state === 'running' ||
    container?.state === 'paused' ||
    container?.state === 'restarting'
  );
}
