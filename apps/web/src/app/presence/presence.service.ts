import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  presenceTargetKey,
  type PresenceCountsPayload,
  type PresencePayload,
  type PresenceTarget,
} from '@flotilla/contracts/core';
import { SocketService } from '../core/socket/socket.service';
import { isErrorAck } from '../core/socket/socket.types';

/** Watcher counts as the page holds them: `<host>/<container>` → count (absent: nobody). */
export function applyCounts(
  counts: ReadonlyMap<string, number>,
  update: PresenceCountsPayload,
): Map<string, number> {
  const next = update.full ? new Map<string, number>() : new Map(counts);
  for (const [hostId, containers] of Object.entries(update.counts)) {
    for (const [containerId, n] of Object.entries(containers)) {
      if (n > 0) next.set(`${hostId}/${containerId}`, n);
      else next.delete(`${hostId}/${containerId}`);
    }
  }
  return next;
}

/** "alice, bob and 2 others" as a page says it; null when nobody else is there. */
export function othersText(presence: Pick<PresencePayload, 'users' | 'anonymous'>): string | null {
  const { users, anonymous } = presence;
  if (users.length === 0 && anonymous === 0) return null;
  const anon = anonymous === 1 ? '1 other' : `${anonymous} others`;
  if (users.length === 0) return anon;
  if (anonymous === 0) return users.join(', ');
  return `${users.join(', ')} and ${anon}`;
}

/** Is `named` (as the gateway names it: full id) the page's `target` (whose id may be a prefix)? */
function sameTarget(named: PresenceTarget, target: PresenceTarget): boolean {
  if (named.kind === 'container' && target.kind === 'container') {
    return named.host_id === target.host_id && named.container_id.startsWith(target.container_id);
  }
  return presenceTargetKey(named) === presenceTargetKey(target);
}

/**
 * What this page shows (`look`), told to the gateway with `watch` (again after every reconnect),
 * and what the gateway tells back: who else is at the same target, and watcher counts per
 * container for the fleet rows.
 */
@Injectable({ providedIn: 'root' })
export class PresenceService {
  private readonly socket = inject(SocketService);
  private readonly target = signal<PresenceTarget | null>(null);
  private readonly latest = signal<PresencePayload | null>(null);
  private readonly countsSignal = signal<ReadonlyMap<string, number>>(new Map());

  /** The others at the current target; null while unknown or without a target. */
  readonly others = computed(() => {
    const target = this.target();
    const latest = this.latest();
    return target && latest && sameTarget(latest.target, target) ? latest : null;
  });
  readonly counts = this.countsSignal.asReadonly();

  constructor() {
    const destroyRef = inject(DestroyRef);
    this.socket
      .on('presence')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((p) => this.latest.set(p));
    this.socket
      .on('presence_counts')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((p) => this.countsSignal.update((c) => applyCounts(c, p)));
    // A new connection (possibly another replica) knows nothing of this page yet.
    this.socket
      .on('initial_state')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe(() => this.tell());
    // Created once the page is up: a connection already made gets the counts now.
    this.tell();
  }

  /** The page now shows this (null: nothing in particular, e.g. the fleet list). */
  look(target: PresenceTarget | null): void {
    const before = this.target();
    if (before && target && presenceTargetKey(before) === presenceTargetKey(target)) return;
    if (!before && !target) return;
    this.target.set(target);
    this.latest.set(null);
    this.tell();
  }

  /** The page that showed `target` is gone (unless another page already shows something else). */
  leave(target: PresenceTarget | null): void {
    const current = this.target();
    if (current && target && presenceTargetKey(current) === presenceTargetKey(target)) {
      this.look(null);
    }
  }

  /** Watchers of a container (0 when nobody looks at it). */
  countOf(hostId: string, containerId: string): number {
    return this.countsSignal().get(`${hostId}/${containerId}`) ?? 0;
  }

  private tell(): void {
    if (!this.socket.connected) return;
    const target = this.target();
    this.socket.request('watch', { target }).then(
      (ack) => {
        if (isErrorAck(ack)) return;
        // An answer to an older watch does not replace what a newer one will bring.
        if (this.target() === target) this.countsSignal.set(applyCounts(new Map(), ack.counts));
      },
      // Presence is a courtesy: a failed watch is retried with the next reconnect or page.
      () => undefined,
    );
  }
}
