/**
 * Presence: who is looking at which container or stack, across every replica. A page says what it
 * shows with `watch`; each replica publishes its sockets' targets on the bus (one record per
 * replica, with a short TTL it renews) and every replica reads them all back to tell its own
 * sockets who else is there.
 */

/** One container (its page or its log viewer), or a compose project (the stack's log page). */
export type PresenceTarget =
  { kind: 'container'; host_id: string; container_id: string } | { kind: 'stack'; project: string };

/**
 * `presence`: the others looking at the socket's target right now: signed-in users by name (each
 * once, however many tabs; never the recipient's own user), and viewers without a name (logins
 * off) as a count, the recipient's own socket not included.
 */
export interface PresencePayload {
  target: PresenceTarget;
  users: string[];
  anonymous: number;
}

/**
 * `presence_counts`: per host, per container, how many are looking at it (users counted once,
 * anonymous viewers per socket). Only containers the recipient may see. With `full`, it replaces
 * what the client held; otherwise it names only what changed, 0 meaning nobody any more.
 */
export interface PresenceCountsPayload {
  counts: Record<string, Record<string, number>>;
  full?: true;
}

/**
 * `watch` ack: the watcher counts of every container the socket may see. The target's presence
 * follows as a `presence` event once the replica has published the watch (within a tick).
 */
export type WatchOk = { status: 'ok'; counts: PresenceCountsPayload };

export const PRESENCE_TIMINGS = {
  /** How often a replica publishes its changes and reads everyone's: a change shows within 2 s. */
  tickMs: 500,
  /** Life of a replica's record: a replica that dies takes its viewers with it this soon. */
  ttlMs: 5_000,
  /** Renewal of an unchanged record. */
  renewMs: 1_500,
} as const;

/** One string per target, for maps and for comparing targets. */
export function presenceTargetKey(target: PresenceTarget): string {
  return target.kind === 'container'
    ? `c/${target.host_id}/${target.container_id}`
    : `s/${target.project}`;
}
