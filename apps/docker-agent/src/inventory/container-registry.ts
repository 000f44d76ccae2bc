import type { Container } from '@flotilla/contracts';

export type ContainerListener = (container: Container) => void;

/**
 * What the agent last published about each container of its host. Followers (logs, stats) read
 * it to know a container's state and TTY, and listen to it to learn that a container started.
 */
export class ContainerRegistry {
  private readonly containers = new Map<string, Container>();
  private readonly listeners = new Set<ContainerListener>();

  get(containerId: string): Container | undefined {
    return this.containers.get(containerId);
  }

  all(): Container[] {
    return [...this.containers.values()];
  }

  /** Records a published state and tells the listeners; a removed container is forgotten. */
  set(container: Container): void {
    if (container.state === 'removed') this.containers.delete(container.container_id);
    else this.containers.set(container.container_id, container);
    for (const listener of this.listeners) listener(container);
  }

  /** Replaces everything (after a resync); listeners hear about the containers that changed. */
  replaceAll(containers: Container[], changed: Container[]): void {
    this.containers.clear();
    for (const c of containers) this.containers.set(c.container_id, c);
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
