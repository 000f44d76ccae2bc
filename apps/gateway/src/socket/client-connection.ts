import type { Container, FleetView } from '@flotilla/contracts';
import type { LeaseKind } from '@flotilla/bus';
import { TokenBucket } from '../core/token-bucket';
import type { Principal } from '../auth/principal';
import { SocketCursors } from '../fleet/socket-cursors';
import { SubscriptionFilter } from '../fleet/subscription-filter';
import type { FleetSocket } from './socket-types';

/** What the replica keeps for one connected socket. */
export class ClientConnection {
  /** Position in each host's event stream: each change reaches the socket once. */
  readonly cursors = new SocketCursors();
  /** Hosts being introduced to the socket after `initial_state` (found later). */
  readonly introducing = new Set<string>();
  /** Hosts whose events the socket is reading by range to catch up. */
  readonly catchingUp = new Set<string>();
  /** Keys of the log and stats streams (RedisKeys.logs, RedisKeys.stats) this socket watches. */
  readonly streamKeys: Readonly<Record<LeaseKind, Set<string>>> = {
    logs: new Set(),
    stats: new Set(),
  };
  filter: SubscriptionFilter;
  readonly view: boolean;
  /** The view's `up_to`: all of the fleet the user may see, if no more containers than this. */
  readonly upTo: number | undefined;
  /**
   * Revisions the socket's snapshots carried, kept for a short while: an agent updates the
   * snapshot before it appends the event, so a snapshot may already hold a change whose event
   * lies after the snapshot's position. Such an event is not sent again. Keyed by host and
   * container: one host's revisions never decide what another host's containers show.
   */
  private snapshotRevisions: Map<string, number> | undefined;
  private snapshotRevisionsUntil = 0;
  /** `initial_state` has been sent. */
  ready = false;
  closed = false;

  constructor(
    readonly socket: FleetSocket,
    /** Replaced when the users file changes the user's role (ConnectionReviewer). */
    public principal: Principal,
    readonly streamRequests: TokenBucket,
    /** The socket connected with a view (`FleetView`): counts for all, containers for its view. */
    view?: FleetView,
  ) {
    this.view = view !== undefined;
    this.upTo = view?.up_to;
    this.filter = view
      ? SubscriptionFilter.from(view, { view: true })
      : SubscriptionFilter.everything;
  }

  get id(): string {
    return this.socket.id;
  }

  rememberSnapshot(containers: readonly Container[], forMs: number): void {
    this.snapshotRevisions ??= new Map();
    for (const c of containers) this.snapshotRevisions.set(revisionKey(c), c.revision);
    this.snapshotRevisionsUntil = Date.now() + forMs;
  }

  /** Did a snapshot sent to this socket already hold this (or a newer) state of the container? */
  alreadyHas(container: Container): boolean {
    const revisions = this.snapshotRevisions;
    if (!revisions) return false;
    if (Date.now() > this.snapshotRevisionsUntil) {
      this.snapshotRevisions = undefined;
      return false;
    }
    const key = revisionKey(container);
    const known = revisions.get(key);
    if (known === undefined) return false;
    revisions.delete(key);
    return container.revision <= known;
  }

  get streamCount(): number {
    return this.streamKeys.logs.size + this.streamKeys.stats.size;
  }
}

function revisionKey(container: Pick<Container, 'host_id' | 'container_id'>): string {
  return `${container.host_id}/${container.container_id}`;
}
