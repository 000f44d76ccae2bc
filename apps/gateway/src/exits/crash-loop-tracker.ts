import { EXIT_LIMITS, type CrashLoopPayload, type CrashLoopState } from '@flotilla/contracts';
import { compareStreamIds, timeOfStreamId } from '@flotilla/bus';
import type { ContainerRef } from '../auth/access-policy';
import { crashLoopState, type CrashLoopRule } from './crash-loop';

/** How far ahead of the replica's estimate of the bus clock an exit may move it. */
const MAX_AHEAD_MS = 10_000;

/** A change to push, with what scopes it: the name and labels the newest exit record carried. */
export interface CrashLoopChange {
  payload: CrashLoopPayload;
  ref: ContainerRef;
  /** The container started or stopped looping (not only one more exit). */
  flipped: boolean;
}

interface Tracked {
  ref: ContainerRef;
  /** Stream ids of the newest exits, oldest first (at most `EXIT_LIMITS.listMax`). */
  ids: string[];
  state: CrashLoopState;
}

/**
 * Per-container crash-loop state of the exits a replica has read, counted on the records'
 * stream ids (the bus clock) exactly as the REST answer counts them. Holds only containers with
 * an exit inside the window: bounded by the hosts' capped exits streams.
 */
export class CrashLoopTracker {
  private readonly containers = new Map<string, Tracked>();
  /** Newest exit id taken per host: a host followed again does not count its exits twice. */
  private readonly newest = new Map<string, string>();
  /**
   * Per host, the newest exit time seen: the bus clock has reached it, so an estimate of that
   * clock lagging behind it must not un-count an exit (the loop would flicker off and on). Per
   * host and at most `MAX_AHEAD_MS` past the estimate: an agent writing ids far in the future
   * (explicit `XADD` ids) moves only its own host's clock.
   */
  private readonly seen = new Map<string, number>();

  constructor(private readonly rule: CrashLoopRule) {}

  /** An exit read from `ref.host_id`'s stream: the container's new state, or null if seen before. */
  record(id: string, ref: ContainerRef, now: number): CrashLoopChange | null {
    const last = this.newest.get(ref.host_id);
    if (last !== undefined && compareStreamIds(id, last) <= 0) return null;
    this.newest.set(ref.host_id, id);
    const key = keyOf(ref);
    const tracked = this.containers.get(key) ?? { ref, ids: [], state: this.stateOf([], now) };
    const wasLooping = tracked.state.looping;
    tracked.ref = ref;
    tracked.ids.push(id);
    if (tracked.ids.length > EXIT_LIMITS.listMax) tracked.ids.shift();
    const seen = Math.max(
      this.seen.get(ref.host_id) ?? 0,
      Math.min(timeOfStreamId(id), now + MAX_AHEAD_MS),
    );
    this.seen.set(ref.host_id, seen);
    tracked.state = this.stateOf(tracked.ids, Math.max(now, seen));
    this.containers.set(key, tracked);
    return this.change(tracked, tracked.state.looping !== wasLooping);
  }

  /** Re-evaluates every container at `now`: those that started or stopped looping. */
  tick(clock: number): CrashLoopChange[] {
    const changes: CrashLoopChange[] = [];
    for (const [key, tracked] of this.containers) {
      const now = Math.max(clock, this.seen.get(tracked.ref.host_id) ?? 0);
      const state = this.stateOf(tracked.ids, now);
      const flipped = state.looping !== tracked.state.looping;
      tracked.state = state;
      if (flipped) changes.push(this.change(tracked, true));
      const newestTime = timeOfStreamId(tracked.ids[tracked.ids.length - 1]);
      if (newestTime <= now - this.rule.windowMs) this.containers.delete(key);
    }
    return changes;
  }

  /** Every container looping now (what a socket that just connected is told). */
  looping(): CrashLoopChange[] {
    const out: CrashLoopChange[] = [];
    for (const tracked of this.containers.values())
      if (tracked.state.looping) out.push(this.change(tracked, false));
    return out;
  }

  get size(): number {
    return this.containers.size;
  }

  private stateOf(ids: readonly string[], now: number): CrashLoopState {
    return crashLoopState(ids.map(timeOfStreamId), now, this.rule);
  }

  private change(tracked: Tracked, flipped: boolean): CrashLoopChange {
    return {
      ref: tracked.ref,
      flipped,
      payload: {
        host_id: tracked.ref.host_id,
        container_id: tracked.ref.container_id,
        crash_loop: { ...tracked.state },
        last_exit_id: tracked.ids[tracked.ids.length - 1] ?? null,
      },
    };
  }
}

function keyOf(ref: Pick<ContainerRef, 'host_id' | 'container_id'>): string {
  return `${ref.host_id}/${ref.container_id}`;
}
