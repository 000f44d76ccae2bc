import type { Container } from '@flotilla/contracts';
import { canSee } from '../auth/access-policy';
import type { Principal } from '../auth/principal';

export interface SearchFilters {
  host?: string;
  /** Container id, id prefix (12+ hex digits) or name. */
  container?: string;
  /** `key=value` or `key`. */
  label?: string;
  project?: string;
}

const COMPOSE_PROJECT = 'com.docker.compose.project';

/**
 * The containers a search reads, per host: those of the snapshots that the principal may see
 * (`canSee`, the one access policy) and that pass every filter. Nothing outside this is ever
 * named in a request, so an agent is never asked to read what the user may not see.
 */
export function searchTargets(
  principal: Principal,
  containers: readonly Container[],
  filters: SearchFilters,
): Map<string, Container[]> {
  const [labelKey, labelValue] = splitLabel(filters.label);
  const byHost = new Map<string, Container[]>();
  for (const c of containers) {
    if (!canSee(principal, c)) continue;
    if (filters.host !== undefined && c.host_id !== filters.host) continue;
    if (filters.container !== undefined && !namesContainer(c, filters.container)) continue;
    if (labelKey !== undefined) {
      if (!Object.hasOwn(c.labels, labelKey)) continue;
      if (labelValue !== undefined && c.labels[labelKey] !== labelValue) continue;
    }
    if (filters.project !== undefined && c.labels[COMPOSE_PROJECT] !== filters.project) continue;
    const list = byHost.get(c.host_id) ?? [];
    list.push(c);
    byHost.set(c.host_id, list);
  }
  return byHost;
}

function namesContainer(c: Container, ref: string): boolean {
  if (c.name === ref || c.name === ref.replace(/^\//, '')) return true;
  return /^[0-9a-f]{12,64}$/.test(ref) && c.container_id.startsWith(ref);
}

function splitLabel(label: string | undefined): [string | undefined, string | undefined] {
  if (label === undefined) return [undefined, undefined];
  const eq = label.indexOf('=');
  return eq === -1 ? [label, undefined] : [label.slice(0, eq), label.slice(eq + 1)];
}
