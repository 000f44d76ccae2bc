import {
  COMPOSE_PROJECT_LABEL,
  type Container,
  type FleetEvent,
  type TimelineEntry,
  type TimelineKind,
} from '@flotilla/contracts';
import { timeOfStreamId, type StreamEntry } from '@flotilla/bus';

/** A derived point and the container it is about, as the event carried it (for scope checks). */
export interface DerivedPoint {
  entry: TimelineEntry;
  container?: Container;
}

/**
 * How long before the window a container's first-seen state may have begun and still count as a
 * change inside it (the event that reports a change is stamped a moment after Docker's own time,
 * and the agent's host clock may differ from the bus's).
 */
export const FIRST_SIGHT_SLACK_MS = 60_000;

/**
 * Turns one host's events (oldest first) into timeline points. An event carries a container's
 * whole new state, not what Docker said, and bursts for one container are coalesced into one
 * event; so points are the differences between consecutive states of each container. A
 * container whose earlier state is not in the window counts only when its state began inside
 * the window (its `started_at` / `finished_at`), so a rename or a resync of a container running
 * for days adds no "start".
 */
export function deriveHostPoints(
  hostId: string,
  events: readonly StreamEntry<FleetEvent>[],
  sinceMs: number,
): DerivedPoint[] {
  const previous = new Map<string, Container>();
  const points: DerivedPoint[] = [];
  for (const { id, value } of events) {
    const at = new Date(timeOfStreamId(id)).toISOString();
    const base = { at, host_id: hostId };
    if (value.type === 'host') {
      const kind = value.online ? 'host_online' : 'host_offline';
      points.push({ entry: { ...base, id: `${hostId}/${id}`, kind } });
      continue;
    }
    const next = value.container;
    const prev = previous.get(next.container_id);
    previous.set(next.container_id, next);
    const kinds = prev ? changes(prev, next) : firstSight(next, sinceMs);
    for (const kind of kinds) {
      points.push({
        entry: containerEntry(`${hostId}/${id}/${kind}`, at, kind, next),
        container: next,
      });
    }
  }
  return points;
}

export function containerEntry(
  id: string,
  at: string,
  kind: TimelineKind,
  container: Container,
): TimelineEntry {
  const entry: TimelineEntry = {
    id,
    at,
    kind,
    host_id: container.host_id,
    container_id: container.container_id,
    container_name: container.name,
  };
  const project = container.labels[COMPOSE_PROJECT_LABEL];
  if (project !== undefined) entry.project = project;
  if (kind === 'die' || kind === 'oom') entry.exit_code = container.exit_code;
  if (kind === 'health') entry.health = container.health;
  return entry;
}

/** What changed between two consecutive states of one container. */
function changes(prev: Container, next: Container): TimelineKind[] {
  const kinds: TimelineKind[] = [];
  if (next.state === 'removed') return prev.state === 'removed' ? [] : ['destroy'];
  if (next.state !== prev.state) {
    kinds.push(...stateKinds(prev, next));
  } else if (next.state === 'running' && next.started_at !== prev.started_at) {
    // Died and started again between two reports (a quick restart, coalesced).
    kinds.push(ended(next), 'start');
  }
  if (next.health !== prev.health && next.health !== 'none') kinds.push('health');
  return kinds;
}

function stateKinds(prev: Container, next: Container): TimelineKind[] {
  switch (next.state) {
    case 'running':
      return [prev.state === 'paused' ? 'unpause' : 'start'];
    case 'paused':
      return ['pause'];
    case 'exited':
    case 'dead':
      return prev.state === 'restarting' ? [] : [ended(next)];
    case 'restarting':
      return [ended(next)];
    case 'created':
      return ['create'];
    default:
      return [];
  }
}

function ended(container: Container): TimelineKind {
  return container.oom_killed === true ? 'oom' : 'die';
}

/** A container first seen in the window: a point only when its state began inside it. */
function firstSight(next: Container, sinceMs: number): TimelineKind[] {
  const began = (iso: string | null): boolean =>
    iso !== null && Date.parse(iso) >= sinceMs - FIRST_SIGHT_SLACK_MS;
  switch (next.state) {
    case 'running':
      return began(next.started_at) ? ['start'] : [];
    case 'exited':
    case 'dead':
    case 'restarting':
      return began(next.finished_at) ? [ended(next)] : [];
    case 'created':
      return began(next.created) ? ['create'] : [];
    case 'removed':
      return ['destroy'];
    default:
      return [];
  }
}
