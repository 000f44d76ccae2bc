import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { Container, HostStatus } from '@flotilla/contracts/core';
import { WEB_CONFIG } from '../core/app-config';
import { NotificationService } from '../core/notifications/notification.service';
import { SocketService } from '../core/socket/socket.service';
import { Batcher } from '../shared/batcher';
import type { ContainerLookup } from '../shared/container-ref';
import { type FleetPicture, describeDiff, diffFleet, isEmptyDiff } from './fleet-diff';
import { FleetState } from './fleet-state';

/** The key of the "what changed while disconnected" notice: a newer one replaces it. */
const OUTAGE_SUMMARY_KEY = 'outage-summary';

type FleetChange = { kind: 'container'; container: Container } | { kind: 'host'; host: HostStatus };

/**
 * The live fleet for the whole tab. `initial_state` replaces the snapshot (it is sent again after
 * every reconnect); changes are applied in small batches so a burst of Docker events costs one
 * recomputation of the views, not one per event. While the connection is down the fleet is
 * stale (`staleSince`); the first `initial_state` after it is compared with what was shown, and
 * the difference is told in one notice.
 */
@Injectable({ providedIn: 'root' })
export class FleetStore {
  private readonly socket = inject(SocketService);
  private readonly notifications = inject(NotificationService);
  private readonly staleSinceSignal = signal<Date | null>(null);
  private readonly state = new FleetState();
  private readonly version = signal(0);
  private readonly loadedSignal = signal(false);
  private readonly batcher = new Batcher<FleetChange>(
    (changes) => this.applyChanges(changes),
    inject(WEB_CONFIG).fleetFlushMs,
  );

  /** True once the first `initial_state` arrived. */
  readonly loaded = this.loadedSignal.asReadonly();
  /** When what is shown was last known to be true; null while it is live. */
  readonly staleSince = this.staleSinceSignal.asReadonly();
  readonly containers = computed<readonly Container[]>(() => {
    this.version();
    return [...this.state.containers.values()];
  });
  /** Compose projects in use, sorted; a new array only when they change. */
  readonly projects = computed<readonly string[]>(
    () => {
      this.version();
      return this.state.projects();
    },
    { equal: sameStrings },
  );
  /** Label keys in use (the first 100), sorted; a new array only when they change. */
  readonly labelKeys = computed<readonly string[]>(
    () => {
      this.version();
      return this.state.labelKeys();
    },
    { equal: sameStrings },
  );
  readonly hosts = computed<readonly HostStatus[]>(() => {
    this.version();
    return [...this.state.hosts.values()].sort((a, b) => (a.host_id < b.host_id ? -1 : 1));
  });

  constructor() {
    const destroyRef = inject(DestroyRef);
    destroyRef.onDestroy(() => this.batcher.dispose());
    this.socket
      .on('initial_state')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((payload) => {
        this.batcher.flush();
        const before = this.staleSinceSignal() === null ? null : this.picture();
        this.state.applyInitialState(payload);
        this.loadedSignal.set(true);
        this.staleSinceSignal.set(null);
        this.bump();
        if (before) this.tellWhatChanged(before);
      });
    this.socket.disconnects$.pipe(takeUntilDestroyed(destroyRef)).subscribe(({ at }) => {
      if (!this.loadedSignal() || this.staleSinceSignal() !== null) return;
      // Changes already received are part of what the user last saw.
      this.batcher.flush();
      this.staleSinceSignal.set(at);
    });
    this.socket
      .on('container_state_change')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((container) => this.batcher.push({ kind: 'container', container }));
    this.socket
      .on('host_state_change')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((host) => this.batcher.push({ kind: 'host', host }));
  }

  /** A container by host and full id, name or unambiguous prefix; reactive when read in a computed. */
  find(hostId: string, idOrPrefix: string): Container | undefined {
    this.version();
    return this.state.find(hostId, idOrPrefix);
  }

  /** What a link's reference names on a host (a container, several, or none); reactive. */
  lookup(hostId: string, ref: string): ContainerLookup {
    this.version();
    return this.state.lookup(hostId, ref);
  }

  host(hostId: string): HostStatus | undefined {
    this.version();
    return this.state.hosts.get(hostId);
  }

  isHostOnline(hostId: string): boolean {
    this.version();
    return this.state.isHostOnline(hostId);
  }

  /** A copy of the fleet as shown now (container and host objects are never mutated). */
  private picture(): FleetPicture {
    return { containers: new Map(this.state.containers), hosts: new Map(this.state.hosts) };
  }

  private tellWhatChanged(before: FleetPicture): void {
    const diff = diffFleet(before, this.picture());
    if (isEmptyDiff(diff)) {
      this.notifications.showNotification({
        type: 'info',
        message: 'Reconnected: nothing changed while disconnected',
        // Its own key: it must not replace an unread summary of an earlier outage.
        key: `${OUTAGE_SUMMARY_KEY}:none`,
      });
      return;
    }
    this.notifications.showNotification({
      type: 'info',
      message: `While disconnected: ${describeDiff(diff)}`,
      key: OUTAGE_SUMMARY_KEY,
      // Nobody saw these changes happen: the notice waits until it has been read.
      sticky: true,
    });
  }

  private applyChanges(changes: FleetChange[]): void {
    let changed = false;
    for (const change of changes) {
      if (change.kind === 'host') {
        this.state.applyHost(change.host);
        changed = true;
      } else if (this.state.applyContainer(change.container)) {
        changed = true;
      }
    }
    if (changed) this.bump();
  }

  private bump(): void {
    this.version.update((v) => v + 1);
  }
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
