import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  applyCountsUpdate,
  type Container,
  type HostCounts,
  type HostStatus,
} from '@flotilla/contracts/core';
import { WEB_CONFIG } from '../core/app-config';
import { NotificationService } from '../core/notifications/notification.service';
import { FleetViewRequest } from '../core/socket/fleet-view-request';
import { SocketService } from '../core/socket/socket.service';
import { isErrorAck } from '../core/socket/socket.types';
import { Batcher } from '../shared/batcher';
import type { ContainerLookup } from '../shared/container-ref';
import { type FleetPicture, describeDiff, diffFleet, isEmptyDiff } from './fleet-diff';
import { FleetState } from './fleet-state';
import { openHosts } from './fleet-query-url';

/** The key of the "what changed while disconnected" notice: a newer one replaces it. */
const OUTAGE_SUMMARY_KEY = 'outage-summary';

type FleetChange = { kind: 'container'; container: Container } | { kind: 'host'; host: HostStatus };

/**
 * The live fleet for the whole tab. `initial_state` replaces the snapshot (it is sent again after
 * every reconnect); changes are applied in small batches so a burst of Docker events costs one
 * recomputation of the views, not one per event. While the connection is down the fleet is
 * stale (`staleSince`); the first `initial_state` after it is compared with what was shown, and
 * the difference is told in one notice.
 *
 * Over the gateway's line (more containers than `fleetViewLine`) the fleet is partial: every
 * host with its counts (kept by `counts_update`), and the containers of the open hosts only.
 * Opening a host loads its containers with `subscribe` (the ack carries them; they stay live);
 * closing drops them.
 */
@Injectable({ providedIn: 'root' })
export class FleetStore {
  private readonly socket = inject(SocketService);
  private readonly notifications = inject(NotificationService);
  private readonly viewRequest = inject(FleetViewRequest);
  private readonly partialSignal = signal(false);
  private readonly countsSignal = signal<Readonly<Record<string, HostCounts>>>({});
  private readonly loadedHostsSignal = signal<ReadonlySet<string>>(new Set());
  private readonly staleSinceSignal = signal<Date | null>(null);
  private readonly state = new FleetState();
  private readonly version = signal(0);
  private readonly loadedSignal = signal(false);
  private readonly batcher = new Batcher<FleetChange>(
    (changes) => this.applyChanges(changes),
    inject(WEB_CONFIG).fleetFlushMs,
  );

  /** Over the line: hosts come with counts, containers only for the open hosts. */
  readonly partial = this.partialSignal.asReadonly();
  /** Every host's counts (over the line; kept live by `counts_update`). */
  readonly counts = this.countsSignal.asReadonly();
  /** Over the line: the hosts whose containers are loaded (opened, and their ack arrived). */
  readonly loadedHosts = this.loadedHostsSignal.asReadonly();
  /** The hosts asked open (URL `open`), loaded or on their way. */
  readonly openHosts = this.viewRequest.openHosts.asReadonly();
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
        const partial = payload.partial === true;
        this.partialSignal.set(partial);
        this.countsSignal.set(payload.counts ?? {});
        // The handshake asked for the hosts open then; if they changed since, ask again.
        const asked = this.viewRequest.asked;
        const open = new Set(this.openHosts());
        this.loadedHostsSignal.set(new Set(partial ? asked.filter((h) => open.has(h)) : []));
        if (partial && (asked.length !== open.size || asked.some((h) => !open.has(h)))) {
          for (const h of asked) if (!open.has(h)) this.state.dropHost(h);
          this.requestOpenHosts();
        }
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
    this.socket
      .on('counts_update')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((update) => this.countsSignal.update((c) => applyCountsUpdate(c, update)));
  }

  /**
   * The hosts to hold open (over the line): their containers are asked for, the others' dropped.
   * Under the line every container is held already; the set is kept for the next connection.
   */
  setOpenHosts(hosts: Iterable<string>): void {
    const next = openHosts(hosts);
    const before = this.openHosts();
    if (next.length === before.length && next.every((h, i) => h === before[i])) return;
    this.viewRequest.openHosts.set(next);
    if (!this.partialSignal() || !this.loadedSignal()) return;
    const open = new Set(next);
    const closed = before.filter((h) => !open.has(h));
    if (closed.length > 0) {
      this.batcher.flush();
      for (const h of closed) this.state.dropHost(h);
      this.loadedHostsSignal.update((set) => new Set([...set].filter((h) => open.has(h))));
      this.bump();
    }
    this.requestOpenHosts();
  }

  /** Over the line, a page that needs a host's containers (a link to one) opens that host. */
  private wantHost(hostId: string): void {
    if (!this.partialSignal() || this.openHosts().includes(hostId)) return;
    // Reads happen inside computeds, which must not write signals.
    void Promise.resolve().then(() => this.setOpenHosts([...this.openHosts(), hostId]));
  }

  /** `subscribe` with the open hosts; the ack's containers are loaded, then stay live. */
  private requestOpenHosts(): void {
    const hosts = this.openHosts();
    if (!this.socket.connected) return;
    this.socket.request('subscribe', { hosts: [...hosts] }).then(
      (ack) => {
        if (isErrorAck(ack)) {
          this.socket.reportFailure('Opening hosts', ack);
          return;
        }
        if (!this.partialSignal()) return;
        // Hosts closed since this request was sent are not loaded; a reopening asks again.
        const open = new Set(this.openHosts());
        this.batcher.flush();
        for (const c of ack.containers ?? []) if (open.has(c.host_id)) this.state.applyContainer(c);
        this.loadedHostsSignal.update(
          (set) => new Set([...set, ...hosts].filter((h) => open.has(h))),
        );
        this.bump();
      },
      (error: unknown) => this.socket.reportFailure('Opening hosts', error),
    );
  }

  /** A container by host and full id, name or unambiguous prefix; reactive when read in a computed. */
  find(hostId: string, idOrPrefix: string): Container | undefined {
    this.version();
    this.wantHost(hostId);
    return this.state.find(hostId, idOrPrefix);
  }

  /** What a link's reference names on a host (a container, several, or none); reactive. */
  lookup(hostId: string, ref: string): ContainerLookup {
    this.version();
    this.wantHost(hostId);
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
    const partial = this.partialSignal();
    const open = partial ? new Set(this.openHosts()) : null;
    for (const change of changes) {
      // A closed host's changes sent before the gateway learnt it was closed.
      if (change.kind === 'container' && open && !open.has(change.container.host_id)) continue;
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
