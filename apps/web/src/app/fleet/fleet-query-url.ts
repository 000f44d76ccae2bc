import { CONTAINER_STATES, LIMITS, type ContainerState } from '@flotilla/contracts/core';
import { DEFAULT_QUERY, type FleetQuery, type GroupBy, type SortField } from './fleet-query';

/**
 * The fleet query in the address bar: `?q=…&state=…&host=…&project=…&sort=…&dir=desc&group=stack`,
 * and over the line the hosts open (`&open=a,b`).
 * Only what differs from the defaults is written, so a plain `/` is the unfiltered fleet.
 */
export type FleetQueryParams = Partial<Record<(typeof PARAM_NAMES)[number], string>>;

export const PARAM_NAMES = [
  'q',
  'state',
  'host',
  'project',
  'sort',
  'dir',
  'group',
  'open',
] as const;

/** Longest value read from the URL: a pasted link cannot make the page filter on megabytes. */
const MAX_PARAM = 512;

const SORTS: ReadonlySet<string> = new Set([
  'name',
  'image',
  'state',
  'created',
  'host',
  'project',
]);

export function queryToParams(q: FleetQuery): FleetQueryParams {
  const params: FleetQueryParams = {};
  if (q.search !== DEFAULT_QUERY.search) params.q = q.search;
  if (q.state !== DEFAULT_QUERY.state) params.state = q.state;
  if (q.host !== DEFAULT_QUERY.host) params.host = q.host;
  if (q.project !== DEFAULT_QUERY.project) params.project = q.project;
  if (q.sort !== DEFAULT_QUERY.sort) params.sort = q.sort;
  if (q.direction !== DEFAULT_QUERY.direction) params.dir = q.direction;
  if (q.group !== DEFAULT_QUERY.group) params.group = q.group;
  if (q.open.length > 0) params.open = q.open.join(',');
  return params;
}

/** Reads a query from URL parameters; what is missing or not understood takes its default. */
export function queryFromParams(get: (name: string) => string | null): FleetQuery {
  const read = (name: (typeof PARAM_NAMES)[number]): string | null => {
    const v = get(name);
    return v === null || v.length > MAX_PARAM ? null : v;
  };
  const state = read('state');
  const sort = read('sort');
  const dir = read('dir');
  const group = read('group');
  const open = read('open');
  return {
    search: read('q') ?? DEFAULT_QUERY.search,
    state:
      state !== null && (CONTAINER_STATES as readonly string[]).includes(state)
        ? (state as ContainerState)
        : DEFAULT_QUERY.state,
    host: read('host') || DEFAULT_QUERY.host,
    project: read('project') || DEFAULT_QUERY.project,
    sort: sort !== null && isSortField(sort) ? sort : DEFAULT_QUERY.sort,
    direction: dir === 'asc' || dir === 'desc' ? dir : DEFAULT_QUERY.direction,
    group: group === 'host' || group === 'stack' ? (group satisfies GroupBy) : DEFAULT_QUERY.group,
    open: open ? openHosts(open.split(',')) : DEFAULT_QUERY.open,
  };
}

/** Whether the URL says anything about the fleet query (a bare `/` does not). */
export function hasQueryParams(get: (name: string) => string | null): boolean {
  return PARAM_NAMES.some((name) => get(name) !== null);
}

export function sameQuery(a: FleetQuery, b: FleetQuery): boolean {
  return (
    a.search === b.search &&
    a.state === b.state &&
    a.host === b.host &&
    a.project === b.project &&
    a.sort === b.sort &&
    a.direction === b.direction &&
    a.group === b.group &&
    a.open.length === b.open.length &&
    a.open.every((h, i) => h === b.open[i])
  );
}

/** Host ids as `open` holds them: distinct, sorted, within the view's bound. */
export function openHosts(ids: Iterable<string>): string[] {
  const set = new Set([...ids].map((id) => id.trim()).filter(Boolean));
  return [...set].sort().slice(0, LIMITS.maxSubscriptionItems);
}

function isSortField(value: string): value is SortField {
  return SORTS.has(value) || (value.startsWith('label:') && value.length > 'label:'.length);
}
