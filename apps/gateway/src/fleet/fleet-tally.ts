import { projectOf, type Container, type HostCounts } from '@flotilla/contracts';

/** Counts of these containers (removed ones are not counted). */
export function countContainers(containers: Iterable<Container>): HostCounts {
  const counts: HostCounts = { states: {}, projects: {} };
  for (const c of containers) tallyOne(counts, c, 1);
  return counts;
}

/**
 * Every followed host's containers as the replica's delivered events leave them, and their
 * counts, kept once for all sockets: a socket with a view is answered from here, with no read of
 * Redis, and `takeChanges` says which counts moved since it was last asked.
 */
export class FleetTally {
  private readonly hosts = new Map<string, Map<string, Container>>();
  private readonly counts = new Map<string, HostCounts>();
  /** Per host whose counts changed: the compose projects whose counts changed. */
  private changes = new Map<string, Set<string>>();

  /** The host's containers at the position the replica follows it from. */
  load(hostId: string, containers: readonly Container[]): void {
    const before = this.hosts.get(hostId);
    const held = new Map<string, Container>();
    for (const c of containers) if (c.state !== 'removed') held.set(c.container_id, c);
    this.hosts.set(hostId, held);
    this.counts.set(hostId, countContainers(held.values()));
    const touched = this.touched(hostId);
    for (const c of [...(before?.values() ?? []), ...held.values()]) {
      const project = projectOf(c);
      if (project !== undefined) touched.add(project);
    }
  }

  /** A container event: applied unless an equal or newer revision is already held. */
  apply(container: Container): void {
    const held = this.hosts.get(container.host_id);
    const counts = this.counts.get(container.host_id);
    if (!held || !counts) return;
    const prev = held.get(container.container_id);
    if (prev && prev.revision >= container.revision) return;
    const touched = this.touched(container.host_id);
    if (prev) {
      tallyOne(counts, prev, -1);
      const project = projectOf(prev);
      if (project !== undefined) touched.add(project);
    }
    if (container.state === 'removed') {
      held.delete(container.container_id);
      return;
    }
    held.set(container.container_id, container);
    tallyOne(counts, container, 1);
    const project = projectOf(container);
    if (project !== undefined) touched.add(project);
  }

  containers(hostId: string): Iterable<Container> {
    return this.hosts.get(hostId)?.values() ?? [];
  }

  countsOf(hostId: string): HostCounts | undefined {
    return this.counts.get(hostId);
  }

  /** The hosts whose counts changed since the last call, each with the projects that did. */
  takeChanges(): Map<string, Set<string>> {
    const changes = this.changes;
    this.changes = new Map();
    return changes;
  }

  private touched(hostId: string): Set<string> {
    let projects = this.changes.get(hostId);
    if (!projects) this.changes.set(hostId, (projects = new Set()));
    return projects;
  }
}

function tallyOne(counts: HostCounts, c: Container, by: 1 | -1): void {
  if (c.state === 'removed') return;
  bump(counts.states, c.state, by);
  const project = projectOf(c);
  if (project === undefined) return;
  const states = (counts.projects[project] ??= {});
  bump(states, c.state, by);
  if (Object.keys(states).length === 0) delete counts.projects[project];
}

function bump(states: HostCounts['states'], state: Container['state'], by: 1 | -1): void {
  const n = (states[state] ?? 0) + by;
  if (n > 0) states[state] = n;
  else delete states[state];
}
