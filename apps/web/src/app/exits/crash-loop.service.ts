import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { CrashLoopPayload } from '@flotilla/contracts/core';
import { SocketService } from '../core/socket/socket.service';
import { FleetStore } from '../fleet/fleet.store';
import { projectOf } from '../fleet/fleet-state';

/** The loops the page holds: `<host>/<container>` → the newest `crash_loop` saying it loops. */
export function applyCrashLoop(
  states: ReadonlyMap<string, CrashLoopPayload>,
  update: CrashLoopPayload,
): Map<string, CrashLoopPayload> {
  const next = new Map(states);
  const key = `${update.host_id}/${update.container_id}`;
  if (update.crash_loop.looping) next.set(key, update);
  else next.delete(key);
  return next;
}

/**
 * Which containers are crash-looping, as the gateway pushes it (`crash_loop`): each exit of a
 * container the user may see, and each start or end of a loop. A new connection (possibly to
 * another replica) starts from nothing: after `initial_state` it is told every loop there is.
 */
@Injectable({ providedIn: 'root' })
export class CrashLoopService {
  private readonly fleet = inject(FleetStore);
  private readonly states = signal<ReadonlyMap<string, CrashLoopPayload>>(new Map());

  /** Looping containers per compose project ('' for none), for the stack headers. */
  private readonly perProject = computed(() => {
    const counts = new Map<string, number>();
    // The loops are few: each is one lookup, not a pass over the fleet.
    for (const loop of this.states().values()) {
      const c = this.fleet.find(loop.host_id, loop.container_id);
      if (!c) continue;
      const project = projectOf(c);
      counts.set(project, (counts.get(project) ?? 0) + 1);
    }
    return counts;
  });

  constructor() {
    const destroyRef = inject(DestroyRef);
    const socket = inject(SocketService);
    socket
      .on('initial_state')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe(() => this.states.set(new Map()));
    socket
      .on('crash_loop')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((p) => this.states.update((s) => applyCrashLoop(s, p)));
  }

  /** The loop of a container; null when it does not loop (as far as the page was told). */
  stateOf(hostId: string, containerId: string): CrashLoopPayload | null {
    return this.states().get(`${hostId}/${containerId}`) ?? null;
  }

  isLooping(hostId: string, containerId: string): boolean {
    return this.stateOf(hostId, containerId)?.crash_loop.looping === true;
  }

  /** How many containers of a compose project loop now. */
  loopingIn(project: string): number {
    return this.perProject().get(project) ?? 0;
  }
}
