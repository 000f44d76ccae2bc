import {
  LIMITS,
  type Container,
  type ContainerState,
  type HostCounts,
  type HostStatus,
  countOf,
} from '@flotilla/contracts/core';
import { containerKey, placeholderHost, projectOf } from './fleet-state';
import { shortId } from '../shared/format';

export type SortField =
  'name' | 'image' | 'state' | 'created' | 'host' | 'project' | `label:${string}`;
export type SortDirection = 'asc' | 'desc';
/** How the fleet list is grouped: under its hosts, or under its compose projects (stacks). */
export type GroupBy = 'host' | 'stack';

export { PROJECT_LABEL, projectOf } from './fleet-state';

export interface FleetQuery {
  /** Quick search: words match name, image or id; `name:`, `image:`, `state:`, `host:`, `id:`,
   *  `label:key` or `label:key=value` narrow to one field; a leading `-` negates. */
  search: string;
  state: ContainerState | 'all';
  /** A host id, or 'all'. */
  host: string;
  /** A compose project, `NO_PROJECT` for containers outside any, or 'all'. */
  project: string;
  sort: SortField;
  direction: SortDirection;
  group: GroupBy;
  /** Over the line: the hosts whose containers are loaded, sorted (`?open=a,b`). */
  open: readonly string[];
}

/** The project filter value of containers that belong to no compose project. */
export const NO_PROJECT = '-';

export const DEFAULT_QUERY: FleetQuery = {
  search: '',
  state: 'all',
  host: 'all',
  project: 'all',
  sort: 'name',
  direction: 'asc',
  group: 'host',
  open: [],
};

type Field = 'name' | 'image' | 'state' | 'host' | 'project' | 'id' | 'label' | 'health' | 'any';

interface Term {
  field: Field;
  value: string;
  negate: boolean;
}

const FIELDS = new Set<Field>([
  'name',
  'image',
  'state',
  'host',
  'project',
  'id',
  'label',
  'health',
]);

/** Splits the quick search into terms; quotes keep spaces (`name:"my app"`). */
export function parseSearch(text: string): Term[] {
  const terms: Term[] = [];
  const re = /(-?)(?:(\w+):)?(?:"([^"]*)"|(\S+))/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const negate = m[1] === '-';
    const prefix = (m[2] ?? '').toLowerCase() as Field;
    const value = (m[3] ?? m[4] ?? '').toLowerCase();
    if (prefix && FIELDS.has(prefix)) {
      terms.push({ field: prefix, value, negate });
    } else {
      const whole = (prefix ? `${m[2]}:` : '') + value;
      if (whole) terms.push({ field: 'any', value: whole.toLowerCase(), negate });
    }
  }
  return terms.filter((t) => t.value !== '' || t.field === 'label');
}

export function displayName(c: Pick<Container, 'name'>): string {
  return c.name.startsWith('/') ? c.name.slice(1) : c.name;
}

/** What a container is called on screen: its name, or its short id when it has none. */
export function containerLabel(c: Pick<Container, 'name' | 'container_id'>): string {
  return displayName(c) || shortId(c.container_id);
}

/**
 * A container's name and image lower-cased, once per container object (they are never mutated,
 * a change is a new object): searching and sorting 20,000 containers on every key would
 * otherwise lower-case 40,000 strings each time.
 */
const lowered = new WeakMap<Container, { name: string; image: string }>();

function lower(c: Container): { name: string; image: string } {
  let l = lowered.get(c);
  if (!l) {
    l = { name: displayName(c).toLowerCase(), image: c.image.toLowerCase() };
    lowered.set(c, l);
  }
  return l;
}

function termMatches(c: Container, term: Term): boolean {
  const v = term.value;
  switch (term.field) {
    case 'name':
      return lower(c).name.includes(v);
    case 'image':
      return lower(c).image.includes(v);
    case 'state':
      return c.state === v;
    case 'health':
      return c.health === v;
    case 'host':
      return c.host_id.toLowerCase().includes(v);
    case 'project':
      return projectOf(c).toLowerCase().includes(v);
    case 'id':
      return c.container_id.startsWith(v);
    case 'label': {
      const eq = v.indexOf('=');
      const key = eq === -1 ? v : v.slice(0, eq);
      const want = eq === -1 ? null : v.slice(eq + 1);
      for (const [k, val] of Object.entries(c.labels)) {
        if (k.toLowerCase() !== key) continue;
        if (want === null || val.toLowerCase() === want) return true;
      }
      return false;
    }
    case 'any': {
      const l = lower(c);
      return l.name.includes(v) || l.image.includes(v) || c.container_id.startsWith(v);
    }
  }
}

export function matchesSearch(c: Container, terms: readonly Term[]): boolean {
  for (const term of terms) {
    if (termMatches(c, term) === term.negate) return false;
  }
  return true;
}

/** Running first: what needs attention is near the top of a host when sorting by state. */
const STATE_RANK: Record<ContainerState, number> = {
  running: 0,
  restarting: 1,
  paused: 2,
  created: 3,
  exited: 4,
  dead: 5,
  removed: 6,
};

function sortValue(c: Container, field: SortField): string | number {
  switch (field) {
    case 'name':
      return lower(c).name;
    case 'image':
      return lower(c).image;
    case 'state':
      return STATE_RANK[c.state];
    case 'created':
      return c.created;
    case 'host':
      return lower(c).name;
    case 'project':
      return projectOf(c).toLowerCase() || '\uffff';
    default:
      return (c.labels[field.slice('label:'.length)] ?? '\uffff').toLowerCase();
  }
}

/** Sorts a copy; ties fall back to name then id so the order never flickers. */
export function sortContainers(
  list: readonly Container[],
  field: SortField,
  direction: SortDirection,
): Container[] {
  const sign = direction === 'asc' ? 1 : -1;
  const keyed = list.map((c) => ({ c, k: sortValue(c, field), n: lower(c).name }));
  keyed.sort((a, b) => {
    if (a.k < b.k) return -sign;
    if (a.k > b.k) return sign;
    if (a.n !== b.n) return a.n < b.n ? -1 : 1;
    return a.c.container_id < b.c.container_id ? -1 : a.c.container_id > b.c.container_id ? 1 : 0;
  });
  return keyed.map((x) => x.c);
}

export type StateCounts = Partial<Record<ContainerState, number>>;

export interface FleetHostRow {
  kind: 'host';
  key: string;
  host: HostStatus;
  counts: StateCounts;
  total: number;
  /**
   * Matching containers; for a host not loaded, how many at most may match (its counts, or the
   * matches held when they are all).
   */
  shown: number;
  collapsed: boolean;
  /** Over the line, a host whose containers are not loaded: known by its counts only. */
  unloaded?: true;
}

/** A compose project's header: its containers on every host. */
export interface FleetStackRow {
  kind: 'stack';
  key: string;
  /** The project's name; '' for the containers of no project. */
  project: string;
  counts: StateCounts;
  total: number;
  shown: number;
  collapsed: boolean;
}

export interface FleetContainerRow {
  kind: 'container';
  key: string;
  container: Container;
  /** Its host is offline: the state shown is the last known one. */
  offline: boolean;
}

export type FleetGroupRow = FleetHostRow | FleetStackRow;
export type FleetRow = FleetGroupRow | FleetContainerRow;

export interface FleetView {
  rows: FleetRow[];
  totals: StateCounts;
  total: number;
  shown: number;
  /** Hosts not loaded whose containers may match the filters (0 when every host is loaded). */
  unloadedHosts: string[];
  /** At most this many containers of those hosts match (their counts by state and project). */
  unloadedMayMatch: number;
}

/**
 * Over the line: every host's counts, and which hosts' containers the page holds. Of a host not
 * loaded it may hold some containers too (an open stack's, a search's matches).
 */
export interface PartialFleet {
  counts: Readonly<Record<string, HostCounts>>;
  loaded: ReadonlySet<string>;
  /**
   * The containers held of hosts not loaded are every one there that passes the filters (the
   * filtered stack is open, or the gateway's answer to the search was complete): nothing more
   * may match on those hosts.
   */
  exact?: boolean;
}

/**
 * The text to ask the gateway for (`find_containers`: a substring of name, image or stack, or an
 * id prefix) so its answer holds every container the search matches: the longest word that is
 * not negated and names no other field. Null when the search has none (its state, host and
 * label terms are answered by the counts, or need the containers).
 */
export function findText(search: string): string | null {
  let best: string | null = null;
  for (const term of parseSearch(search)) {
    if (term.negate || !FINDABLE.has(term.field)) continue;
    if (best === null || term.value.length > best.length) best = term.value;
  }
  return best !== null && best.length <= LIMITS.maxFindQuery ? best : null;
}

/** The fields whose match `find_containers` answers with a superset of the page's own match. */
const FINDABLE = new Set<Field>(['any', 'name', 'image', 'project', 'id']);

/** The key a group is collapsed under: a host by its id, a stack by `stack:<project>`. */
export function collapseKey(row: FleetGroupRow): string {
  return row.kind === 'host' ? row.host.host_id : stackKey(row.project);
}

export function stackKey(project: string): string {
  return `stack:${project}`;
}

interface Group {
  all: number;
  counts: StateCounts;
  matching: Container[];
}

function emptyGroup(): Group {
  return { all: 0, counts: {}, matching: [] };
}

function passesFilters(c: Container, query: FleetQuery, terms: readonly Term[]): boolean {
  if (query.state !== 'all' && c.state !== query.state) return false;
  if (query.host !== 'all' && c.host_id !== query.host) return false;
  if (query.project !== 'all') {
    const want = query.project === NO_PROJECT ? '' : query.project;
    if (projectOf(c) !== want) return false;
  }
  return terms.length === 0 || matchesSearch(c, terms);
}

/**
 * The fleet as rows for one virtual list: per group (a host, sorted by host id, or a compose
 * project, sorted by name with the containers of no project last), a header row with the group's
 * counts by state, then its matching containers, sorted. Containers of offline hosts stay, marked
 * offline. Over the line, a host whose containers are not loaded is a collapsed header with its
 * counts, shown while its counts say some of its containers may match or it holds some that do
 * (listed under it); the view says how many more may match there.
 */
export function buildFleetView(
  containers: readonly Container[],
  hosts: readonly HostStatus[],
  query: FleetQuery,
  collapsed: ReadonlySet<string>,
  /** Over the line (a partial fleet); absent: every container is loaded. */
  partial?: PartialFleet,
): FleetView {
  const terms = parseSearch(query.search);
  const byStack = query.group === 'stack';
  const groups = new Map<string, Group>();
  const totals: StateCounts = {};
  // Over the line, matches held of each host not loaded (its totals are its counts).
  const heldMatching = new Map<string, number>();
  let total = 0;
  // Every known host has a header, even one with no container yet.
  if (!byStack) for (const h of hosts) groups.set(h.host_id, emptyGroup());
  for (const c of containers) {
    const id = byStack ? projectOf(c) : c.host_id;
    let group = groups.get(id);
    if (!group) {
      group = emptyGroup();
      groups.set(id, group);
    }
    group.all++;
    group.counts[c.state] = (group.counts[c.state] ?? 0) + 1;
    const passes = passesFilters(c, query, terms);
    if (passes) group.matching.push(c);
    if (partial && !partial.loaded.has(c.host_id)) {
      if (passes) heldMatching.set(c.host_id, (heldMatching.get(c.host_id) ?? 0) + 1);
      continue;
    }
    totals[c.state] = (totals[c.state] ?? 0) + 1;
    total++;
  }

  const hostById = new Map(hosts.map((h) => [h.host_id, h]));
  const online = (hostId: string): boolean => hostById.get(hostId)?.online ?? true;
  const filtering = terms.length > 0 || query.state !== 'all' || query.project !== 'all';
  // Over the line, a host not loaded is its counts: in the totals, and a row of its own.
  const unloaded = new Map<string, FleetHostRow>();
  const unloadedHosts: string[] = [];
  let unloadedMayMatch = 0;
  if (partial) {
    for (const h of hosts) {
      if (partial.loaded.has(h.host_id)) continue;
      const counts = partial.counts[h.host_id] ?? { states: {}, projects: {} };
      const states = shownStates(counts.states);
      const all = countOf(states);
      total += all;
      for (const [state, n] of Object.entries(states) as [ContainerState, number][])
        totals[state] = (totals[state] ?? 0) + n;
      const held = heldMatching.get(h.host_id) ?? 0;
      // What may match beyond the matches held: they are among those the counts allow.
      const may =
        partial.exact || (query.host !== 'all' && query.host !== h.host_id)
          ? 0
          : Math.max(0, mayMatch(counts, query) - held);
      if (may > 0) {
        unloadedHosts.push(h.host_id);
        unloadedMayMatch += may;
      }
      if (byStack) continue;
      if (filtering && may === 0 && held === 0) {
        groups.delete(h.host_id);
        continue;
      }
      const row: FleetHostRow = {
        kind: 'host',
        key: `host:${h.host_id}`,
        host: h,
        counts: states,
        total: all,
        shown: may + held,
        collapsed: true,
        unloaded: true,
      };
      unloaded.set(h.host_id, row);
    }
  }
  // A host not loaded may have a group too (its containers held).
  const ids = [...new Set([...groups.keys(), ...unloaded.keys()])].sort();
  if (byStack && ids[0] === '') ids.push(ids.shift() ?? '');
  if (!byStack && query.sort === 'host' && query.direction === 'desc') ids.reverse();

  const rows: FleetRow[] = [];
  let shown = 0;
  for (const id of ids) {
    if (!byStack && query.host !== 'all' && id !== query.host) continue;
    const group = groups.get(id);
    const remote = unloaded.get(id);
    if (remote) {
      // Its containers held (an open stack's, a search's matches) are listed under it.
      rows.push(remote);
      if (group) shown += group.matching.length;
      for (const c of sortContainers(group?.matching ?? [], query.sort, query.direction))
        rows.push(containerRow(c, !online(c.host_id)));
      continue;
    }
    if (!group) continue;
    if ((filtering || byStack) && group.matching.length === 0) continue;
    const header: FleetGroupRow = byStack
      ? {
          kind: 'stack',
          key: stackKey(id),
          project: id,
          counts: group.counts,
          total: group.all,
          shown: group.matching.length,
          collapsed: false,
        }
      : {
          kind: 'host',
          key: `host:${id}`,
          host: hostById.get(id) ?? placeholderHost(id),
          counts: group.counts,
          total: group.all,
          shown: group.matching.length,
          collapsed: false,
        };
    header.collapsed = collapsed.has(collapseKey(header));
    rows.push(header);
    shown += group.matching.length;
    if (header.collapsed) continue;
    for (const c of sortContainers(group.matching, query.sort, query.direction))
      rows.push(containerRow(c, !online(c.host_id)));
  }
  return { rows, totals, total, shown, unloadedHosts, unloadedMayMatch };
}

function containerRow(c: Container, offline: boolean): FleetContainerRow {
  return { kind: 'container', key: containerKey(c.host_id, c.container_id), container: c, offline };
}

function shownStates(states: StateCounts): StateCounts {
  const rest = { ...states };
  delete rest.removed;
  return rest;
}

/**
 * How many of a host's containers may pass the filters, from its counts: exact for the state and
 * project filters, an upper bound when the search has words (they need the containers).
 */
function mayMatch(counts: HostCounts, query: FleetQuery): number {
  let states: StateCounts;
  if (query.project === 'all') states = counts.states;
  else if (query.project !== NO_PROJECT) states = counts.projects[query.project] ?? {};
  else {
    const rest: StateCounts = { ...counts.states };
    for (const p of Object.values(counts.projects))
      for (const [state, n] of Object.entries(p) as [ContainerState, number][])
        rest[state] = (rest[state] ?? 0) - n;
    states = rest;
  }
  states = shownStates(states);
  return query.state === 'all' ? countOf(states) : (states[query.state] ?? 0);
}
