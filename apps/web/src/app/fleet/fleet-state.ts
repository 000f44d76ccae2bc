import {
  isNewer,
  type Container,
  type HostStatus,
  type InitialStatePayload,
} from '@flotilla/contracts/core';
import { type ContainerLookup, resolveContainer } from '../shared/container-ref';

/** The label Docker Compose puts on every container of a project. */
export const PROJECT_LABEL = 'com.docker.compose.project';

/** A container's compose project, or '' when it belongs to none. */
export function projectOf(c: Pick<Container, 'labels'>): string {
  return c.labels[PROJECT_LABEL] ?? '';
}

/** Containers are known by host and id: the same id on two hosts is two containers. */
export function containerKey(hostId: string, containerId: string): string {
  return `${hostId}/${containerId}`;
}

/** Removed containers remembered, so a late, older state cannot bring one back. */
const MAX_TOMBSTONES = 10_000;

/** Label keys offered for sorting (a fleet can carry many). */
const MAX_LABEL_KEYS = 100;

/**
 * The fleet as this tab knows it: plain maps, no framework. Applies `initial_state`,
 * `container_state_change` (only when its revision is newer) and `host_state_change`.
 * A host going offline keeps its containers; views grey them out.
 */
export class FleetState {
  readonly containers = new Map<string, Container>();
  readonly hosts = new Map<string, HostStatus>();
  /** Per host, the event-stream position the last snapshot reflected. */
  position: Record<string, string> = {};
  private readonly tombstones = new Map<string, number>();
  /**
   * Containers per compose project and per label key, kept up to date as containers come, change
   * and go: the page's menus read them without a pass over every container on every change (at
   * 20,000 containers that pass cost more than the rest of an update).
   */
  private readonly projectCounts = new Map<string, number>();
  private readonly labelKeyCounts = new Map<string, number>();

  applyInitialState(payload: InitialStatePayload): void {
    for (const host of payload.hosts) this.hosts.set(host.host_id, host);
    this.position = { ...this.position, ...payload.position };

    // Hosts whose snapshot this is: what they no longer list is gone. A partial state (a view)
    // lists every container of the view: what it does not list is gone, whatever its host.
    const snapshotHosts = new Set(payload.hosts.filter((h) => h.online).map((h) => h.host_id));
    for (const c of payload.containers) snapshotHosts.add(c.host_id);
    const fresh = new Set(payload.containers.map((c) => containerKey(c.host_id, c.container_id)));
    for (const [key, c] of this.containers) {
      if ((payload.partial || snapshotHosts.has(c.host_id)) && !fresh.has(key)) this.drop(key);
    }
    for (const c of payload.containers) this.applyContainer(c);
  }

  /**
   * Forgets the containers `keep` refuses (their host or stack was closed): a later state of
   * them may come again.
   */
  retain(keep: (c: Container) => boolean): void {
    for (const [key, c] of this.containers) if (!keep(c)) this.drop(key);
  }

  /** Applies a container's new state if it is newer than what is known; says whether it did. */
  applyContainer(next: Container): boolean {
    const key = containerKey(next.host_id, next.container_id);
    const removedAt = this.tombstones.get(key);
    if (removedAt !== undefined && next.revision <= removedAt) return false;
    if (!isNewer(next, this.containers.get(key))) return false;
    if (next.state === 'removed') {
      this.drop(key);
      this.remember(key, next.revision);
    } else {
      this.put(key, next);
    }
    if (!this.hosts.has(next.host_id)) this.hosts.set(next.host_id, placeholderHost(next.host_id));
    return true;
  }

  applyHost(host: HostStatus): void {
    this.hosts.set(host.host_id, host);
  }

  isHostOnline(hostId: string): boolean {
    return this.hosts.get(hostId)?.online ?? true;
  }

  /** A container by host and full id, name or unambiguous id prefix (see `resolveContainer`). */
  find(hostId: string, ref: string): Container | undefined {
    const found = this.lookup(hostId, ref);
    return found.kind === 'found' ? found.container : undefined;
  }

  lookup(hostId: string, ref: string): ContainerLookup {
    // A full id, the common case, is one map read; only names and prefixes scan the fleet.
    const exact = this.containers.get(containerKey(hostId, ref));
    if (exact) return { kind: 'found', container: exact };
    return resolveContainer(this.containers.values(), hostId, ref);
  }

  /** Compose projects in use, sorted (containers of no project are not one). */
  projects(): string[] {
    return [...this.projectCounts.keys()].filter((p) => p !== '').sort();
  }

  /** Label keys in use, sorted; the first 100 of them. */
  labelKeys(): string[] {
    return [...this.labelKeyCounts.keys()].sort().slice(0, MAX_LABEL_KEYS);
  }

  private put(key: string, next: Container): void {
    const before = this.containers.get(key);
    this.containers.set(key, next);
    if (before?.labels === next.labels) return;
    if (before) this.uncount(before);
    count(this.projectCounts, projectOf(next), 1);
    for (const k of Object.keys(next.labels)) count(this.labelKeyCounts, k, 1);
  }

  private drop(key: string): void {
    const before = this.containers.get(key);
    if (!before) return;
    this.containers.delete(key);
    this.uncount(before);
  }

  private uncount(c: Container): void {
    count(this.projectCounts, projectOf(c), -1);
    for (const k of Object.keys(c.labels)) count(this.labelKeyCounts, k, -1);
  }

  private remember(key: string, revision: number): void {
    this.tombstones.delete(key);
    this.tombstones.set(key, revision);
    if (this.tombstones.size > MAX_TOMBSTONES) {
      const oldest = this.tombstones.keys().next().value;
      if (oldest !== undefined) this.tombstones.delete(oldest);
    }
  }
}

function count(counts: Map<string, number>, key: string, delta: number): void {
  const n = (counts.get(key) ?? 0) + delta;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}

/** A host we heard of only through one of its containers. */
export function placeholderHost(hostId: string): HostStatus {
  return {
    host_id: hostId,
    labels: {},
    agent_version: '',
    started_at: '',
    engine: { reachable: true, version: null, address: '', error: null },
    online: true,
    last_seen: null,
  };
}
