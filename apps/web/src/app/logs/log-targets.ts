import type { Container } from '@flotilla/contracts/core';
import { projectOf } from '../fleet/fleet-query';
import { containerKey } from '../fleet/fleet-state';

/** One container a logs page opens. */
export interface LogTarget {
  key: string;
  hostId: string;
  containerRef: string;
}

/**
 * Most containers on one logs page. Each is one log stream of the connection (the gateway
 * allows 32 per connection, stats included), each keeps up to 100,000 lines (~0.5 KB a line),
 * and a merged view of 20 takes a live flush in under a millisecond (see docs/benchmarks.md,
 * "Merged log view").
 */
export const MAX_LOG_PANES = 20;

/**
 * The containers named by `/logs/:host/:id?with=host/id,…`: duplicates dropped, malformed
 * items skipped, at most `max`.
 */
export function parseTargets(
  host: string | undefined,
  id: string | undefined,
  more: string | undefined,
  max: number,
): LogTarget[] {
  const all = [...(host && id ? [`${host}/${id}`] : []), ...(more ? more.split(',') : [])];
  const seen = new Set<string>();
  const out: LogTarget[] = [];
  for (const item of all) {
    if (out.length >= max) break;
    const slash = item.indexOf('/');
    if (slash <= 0 || slash === item.length - 1) continue;
    const hostId = item.slice(0, slash).trim();
    const containerRef = item
      .slice(slash + 1)
      .trim()
      .toLowerCase();
    const key = containerKey(hostId, containerRef);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ key, hostId, containerRef });
  }
  return out;
}

/** Every container of a compose project, by name then host (the page shows the first `max`). */
export function projectContainers(
  containers: readonly Container[],
  project: string,
): readonly Container[] {
  return containers
    .filter((c) => projectOf(c) === project)
    .sort((a, b) =>
      a.name === b.name ? (a.host_id < b.host_id ? -1 : 1) : a.name < b.name ? -1 : 1,
    );
}

export function targetOf(c: Pick<Container, 'host_id' | 'container_id'>): LogTarget {
  return {
    key: containerKey(c.host_id, c.container_id),
    hostId: c.host_id,
    containerRef: c.container_id,
  };
}

/** Same containers in the same order (the page keeps its streams and views then). */
export function sameTargets(a: readonly LogTarget[], b: readonly LogTarget[]): boolean {
  return a.length === b.length && a.every((t, i) => t.key === b[i]?.key);
}
