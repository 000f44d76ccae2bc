import type { AlertTriggerKind, Container, FleetEvent, HostStatus } from '@flotilla/contracts';
import { timeOfStreamId } from '@flotilla/bus';

/** Something that happened which a rule may alert on, derived from one host event. */
export interface Occurrence {
  kind: Exclude<AlertTriggerKind, 'crash_loop'> | 'exit';
  hostId: string;
  /** What makes it unique with the rule: the host event stream id (or the heartbeat's last beat). */
  eventId: string;
  /** Epoch ms of the event (the stream id's time, the same on every replica). */
  at: number;
  container?: Container;
  /** Exits of this container within the longest crash-loop window, oldest first (epoch ms). */
  recentExits?: readonly number[];
  /** A log line (without its Docker timestamp). */
  line?: string;
}

interface Seen {
  finishedAt: string | null;
  health: Container['health'];
  exits: number[];
}

/** Exit times kept per container: enough for the largest `exits` a crash-loop rule may ask. */
const MAX_EXITS_KEPT = 100;
/** The longest crash-loop window a rule may ask (one day). */
const MAX_WINDOW_MS = 86_400_000;

/**
 * Turns a host's event stream into occurrences. A container event carries the container's whole
 * state, so what changed is found by comparing with the previous state seen: a new `finished_at`
 * is an exit (also while Docker's restart policy has already restarted it), health turning
 * `unhealthy` is a health failure. Every replica follows the same streams, so every replica
 * derives the same occurrences with the same ids; one of them claims each delivery.
 */
export class AlertTriggers {
  private readonly containers = new Map<string, Seen>();

  /** The state the replica started following a host from: no occurrence. */
  load(hostId: string, containers: readonly Container[]): void {
    for (const c of containers) {
      this.containers.set(key(hostId, c.container_id), {
        finishedAt: c.finished_at,
        health: c.health,
        exits: [],
      });
    }
  }

  /**
   * Takes one host event and returns its occurrences. With `derive` false (no rule is enabled)
   * none are built, but the state seen is still kept, exits included: a rule enabled later then
   * compares with the truth and counts the exits already in its window.
   */
  event(hostId: string, eventId: string, event: FleetEvent, derive = true): Occurrence[] {
    if (event.type === 'host') {
      return event.online || !derive
        ? []
        : [{ kind: 'host_offline', hostId, eventId, at: timeOfStreamId(eventId) }];
    }
    const container = event.container;
    const id = key(hostId, container.container_id);
    if (container.state === 'removed') {
      this.containers.delete(id);
      return [];
    }
    const seen = this.containers.get(id) ?? { finishedAt: null, health: 'none', exits: [] };
    this.containers.set(id, seen);
    const exited = container.finished_at !== null && container.finished_at !== seen.finishedAt;
    const turnedUnhealthy = container.health === 'unhealthy' && seen.health !== 'unhealthy';
    seen.finishedAt = container.finished_at;
    seen.health = container.health;
    if (!exited && !turnedUnhealthy) return [];
    const at = timeOfStreamId(eventId);
    if (exited) {
      seen.exits = seen.exits.filter((t) => t > at - MAX_WINDOW_MS).slice(-(MAX_EXITS_KEPT - 1));
      seen.exits.push(at);
    }
    if (!derive) return [];
    const found: Occurrence[] = [];
    const base = { hostId, eventId, at, container };
    if (exited) {
      found.push({ ...base, kind: 'exit', recentExits: [...seen.exits] });
      if (container.exit_code !== null && container.exit_code !== 0)
        found.push({ ...base, kind: 'exit_nonzero' });
      if (container.oom_killed === true) found.push({ ...base, kind: 'oom_killed' });
    }
    if (turnedUnhealthy) found.push({ ...base, kind: 'unhealthy' });
    return found;
  }

  /** A host seen offline by polling (its heartbeat expired: no event says so). */
  hostOffline(status: HostStatus): Occurrence[] {
    if (status.online) return [];
    const lastSeen = status.last_seen ?? 'never';
    return [
      {
        kind: 'host_offline',
        hostId: status.host_id,
        // The last beat is what every replica reads the same: one claim however many notice it.
        eventId: `beat-${lastSeen}`,
        at: Date.now(),
      },
    ];
  }
}

function key(hostId: string, containerId: string): string {
  return `${hostId}/${containerId}`;
}
