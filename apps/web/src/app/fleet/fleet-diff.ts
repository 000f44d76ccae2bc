import type { Container, HostStatus } from '@flotilla/contracts/core';
import { containerLabel } from './fleet-query';

/** The fleet at one moment: containers by `containerKey`, hosts by id. */
export interface FleetPicture {
  containers: ReadonlyMap<string, Container>;
  hosts: ReadonlyMap<string, HostStatus>;
}

/** What happened to a container between two pictures, in the words of the summary. */
export type ContainerChange =
  'stopped' | 'crashed' | 'started' | 'restarted' | 'paused' | 'unpaused' | 'created' | 'removed';

export type HostChange = 'went offline' | 'came back online' | 'joined';

export interface FleetDiff {
  /** Display names per change, in the order the summary lists them. */
  containers: Partial<Record<ContainerChange, string[]>>;
  hosts: { hostId: string; change: HostChange }[];
}

const CONTAINER_ORDER: readonly ContainerChange[] = [
  'crashed',
  'stopped',
  'started',
  'restarted',
  'paused',
  'unpaused',
  'created',
  'removed',
];

/** Names are listed while there are this few of a kind; beyond, only the count. */
const MAX_NAMES = 3;

function changeOf(before: Container, after: Container): ContainerChange | null {
  const wasUp = before.state === 'running' || before.state === 'restarting';
  if (after.state === 'running') {
    if (before.state === 'paused') return 'unpaused';
    if (!wasUp) return 'started';
    return before.started_at !== after.started_at ? 'restarted' : null;
  }
  if (after.state === 'paused') return before.state === 'paused' ? null : 'paused';
  if (after.state === 'exited' || after.state === 'dead') {
    if (wasUp || before.state === 'paused') {
      return after.state === 'dead' || (after.exit_code ?? 0) !== 0 ? 'crashed' : 'stopped';
    }
    // Down before and after, but it ran in between.
    return before.finished_at !== after.finished_at ? 'restarted' : null;
  }
  return null;
}

/**
 * What changed between the fleet as it was when the connection dropped and the fresh
 * `initial_state`: the user was shown nothing of it while it happened.
 */
export function diffFleet(before: FleetPicture, after: FleetPicture): FleetDiff {
  const containers: FleetDiff['containers'] = {};
  const add = (change: ContainerChange, c: Container): void => {
    (containers[change] ??= []).push(containerLabel(c));
  };
  for (const [key, next] of after.containers) {
    const prev = before.containers.get(key);
    if (!prev) {
      add('created', next);
      continue;
    }
    const change = changeOf(prev, next);
    if (change) add(change, next);
  }
  for (const [key, prev] of before.containers) {
    if (!after.containers.has(key)) add('removed', prev);
  }
  for (const names of Object.values(containers)) names.sort();

  const hosts: FleetDiff['hosts'] = [];
  for (const [hostId, next] of after.hosts) {
    const prev = before.hosts.get(hostId);
    if (!prev) hosts.push({ hostId, change: 'joined' });
    else if (prev.online && !next.online) hosts.push({ hostId, change: 'went offline' });
    else if (!prev.online && next.online) hosts.push({ hostId, change: 'came back online' });
  }
  hosts.sort((a, b) => (a.hostId < b.hostId ? -1 : 1));
  return { containers, hosts };
}

export function isEmptyDiff(diff: FleetDiff): boolean {
  return Object.keys(diff.containers).length === 0 && diff.hosts.length === 0;
}

/**
 * One line a person reads at a glance: "2 containers stopped (api, web), 1 started (db), host h2
 * went offline". The noun is said once, on the first count.
 */
export function describeDiff(diff: FleetDiff): string {
  const parts: string[] = [];
  for (const change of CONTAINER_ORDER) {
    const names = diff.containers[change];
    if (!names?.length) continue;
    const noun = parts.length === 0 ? (names.length === 1 ? ' container' : ' containers') : '';
    const listed = names.length <= MAX_NAMES ? ` (${names.join(', ')})` : '';
    parts.push(`${names.length}${noun} ${change}${listed}`);
  }
  for (const { hostId, change } of diff.hosts) parts.push(`host ${hostId} ${change}`);
  return parts.join(', ');
}
