import { presenceTargetKey, type PresencePayload, type PresenceTarget } from '@flotilla/contracts';
import type { PresenceTargets, ReplicaPresence } from '@flotilla/bus';

/** Who looks at one target, across every replica. */
export interface TargetViewers {
  target: PresenceTarget;
  /** Signed-in users → their sockets there. */
  users: Map<string, number>;
  /** Sockets without a user name (logins off). */
  anonymous: number;
}

/** A socket's watch as this replica publishes it: null user = anonymous. */
export interface LocalWatch {
  target: PresenceTarget;
  user: string | null;
}

/** This replica's watches grouped as the bus record holds them. */
export function localTargets(watches: Iterable<LocalWatch>): PresenceTargets {
  const byTarget = new Map<string, { target: PresenceTarget; users: Map<string | null, number> }>();
  for (const { target, user } of watches) {
    const key = presenceTargetKey(target);
    let entry = byTarget.get(key);
    if (!entry) byTarget.set(key, (entry = { target, users: new Map() }));
    entry.users.set(user, (entry.users.get(user) ?? 0) + 1);
  }
  return [...byTarget.values()].map(({ target, users }) => ({
    target,
    viewers: [...users].map(([user, sockets]) => ({ user, sockets })),
  }));
}

/** Every replica's records merged per target (key: `presenceTargetKey`). */
export function tallyPresence(records: readonly ReplicaPresence[]): Map<string, TargetViewers> {
  const tally = new Map<string, TargetViewers>();
  for (const record of records) {
    for (const { target, viewers } of record.targets) {
      const key = presenceTargetKey(target);
      let entry = tally.get(key);
      if (!entry) tally.set(key, (entry = { target, users: new Map(), anonymous: 0 }));
      for (const { user, sockets } of viewers) {
        if (user === null) entry.anonymous += sockets;
        else entry.users.set(user, (entry.users.get(user) ?? 0) + sockets);
      }
    }
  }
  return tally;
}

/**
 * What one watcher is told: the others there. Its own user is left out (another tab of the same
 * user is not "someone else"); an anonymous watcher does not count itself.
 */
export function presenceFor(
  target: PresenceTarget,
  viewers: TargetViewers | undefined,
  self: string | null,
): PresencePayload {
  const users = viewers ? [...viewers.users.keys()].filter((u) => u !== self).sort() : [];
  const anonymous = Math.max(0, (viewers?.anonymous ?? 0) - (self === null ? 1 : 0));
  return { target, users, anonymous };
}

/** Watchers per container (`<host>/<container>`): users once each, anonymous sockets each. */
export function containerCounts(tally: ReadonlyMap<string, TargetViewers>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { target, users, anonymous } of tally.values()) {
    if (target.kind !== 'container') continue;
    counts.set(`${target.host_id}/${target.container_id}`, users.size + anonymous);
  }
  return counts;
}

/** The counts that differ between two tallies; 0 for a container nobody looks at any more. */
export function countChanges(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): Map<string, number> {
  const changed = new Map<string, number>();
  for (const [key, n] of after) if (before.get(key) !== n) changed.set(key, n);
  for (const key of before.keys()) if (!after.has(key)) changed.set(key, 0);
  return changed;
}
