import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  LIMITS,
  applyCountsUpdate,
  type Container,
  type HostCounts,
  type HostStatus,
} from '@flotilla/contracts/core';
import { WEB_CONFIG } from '../core/app-config';
import { NotificationService } from '../core/notifications/notification.service';
import { FleetViewRequest, type ViewItems, sameItems } from '../core/socket/fleet-view-request';
import { SocketService } from '../core/socket/socket.service';
import { isErrorAck } from '../core/socket/socket.types';
import { Batcher } from '../shared/batcher';
import type { ContainerLookup } from '../shared/container-ref';
import { type FleetPicture, describeDiff, diffFleet, isEmptyDiff } from './fleet-diff';
import { FleetState, projectOf } from './fleet-state';
import { openHosts } from './fleet-query-url';

/** The key of the "what changed while disconnected" notice: a newer one replaces it. */
const OUTAGE_SUMMARY_KEY = 'outage-summary';

type FleetChange = { kind: 'container'; container: Container } | { kind: 'host'; host: HostStatus };

/** A search's matches on hosts not open, as the gateway found them (`find_containers`). */
export interface FoundMatches {
  /** The text asked for. */
  q: string;
  /** Matches on hosts not open: held, live, as rows of their own. */
  count: number;
  /** How many hosts they are on. */
  hosts: number;
  /** The gateway found more than it sent: other matches may be anywhere. */
  more: boolean;
}

/**
 * The live fleet for the whole tab. `initial_state` replaces the snapshot (it is sent again after
 * every reconnect); changes are applied in small batches so a burst of Docker events costs one
 * recomputation of the views, not one per event. While the connection is down the fleet is
 * stale (`staleSince`); the first `initial_state` after it is compared with what was shown, and
 * the difference is told in one notice.
 *
 * Over the gateway's line (more containers than `fleetViewLine`) the fleet is partial: every host
 * with its counts (kept by `counts_update`), and only the containers of the view: the open hosts,
 * the open stacks (compose projects, on every host) and the matches of the search on hosts not
 * open (`find_containers`). A change of those drops what the view no longer holds and sends the
 * whole view with `subscribe` (its ack carries the containers it brings; they stay live).
 */
@Injectable({ providedIn: 'root' })
export class FleetStore {
  private readonly socket = inject(SocketService);
  private readonly notifications = inject(NotificationService);
  private readonly viewRequest = inject(FleetViewRequest);
  private readonly config = inject(WEB_CONFIG);
  private readonly partialSignal = signal(false);
  private readonly countsSignal = signal<Readonly<Record<string, HostCounts>>>({});
  private readonly loadedHostsSignal = signal<ReadonlySet<string>>(new Set());
  private readonly loadedProjectsSignal = signal<ReadonlySet<string>>(new Set());
  private readonly foundSignal = signal<FoundMatches | null>(null);
  /** The text the search asks the gateway for (null: none); a newer one supersedes an answer. */
  private findQuery: string | null = null;
  private findTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly staleSinceSignal = signal<Date | null>(null);
  private readonly state = new FleetState();
  private readonly version = signal(0);
  private readonly loadedSignal = signal(false);
  private readonly batcher = new Batcher<FleetChange>(
    (changes) => this.applyChanges(changes),
    this.config.fleetFlushMs,
  );

  /** Over the line: hosts come with counts, containers only for the open hosts. */
  readonly partial = this.partialSignal.asReadonly();
  /** Every host's counts (over the line; kept live by `counts_update`). */
  readonly counts = this.countsSignal.asReadonly();
  /** Over the line: the hosts whose containers are loaded (opened, and their ack arrived). */
  readonly loadedHosts = this.loadedHostsSignal.asReadonly();
  /** The hosts asked open (URL `open`), loaded or on their way. */
  readonly openHosts = this.viewRequest.openHosts.asReadonly();
  /** Over the line: the stacks whose containers (on every host) are loaded. */
  readonly loadedProjects = this.loadedProjectsSignal.asReadonly();
  /** Over the line: the last search answer whose matches are loaded; null without a search. */
  readonly found = this.foundSignal.asReadonly();
  /** True once the first `initial_state` arrived. */
  readonly loaded = this.loadedSignal.asReadonly();
  /** When what is shown was last known to be true; null while it is live. */
  readonly staleSince = this.staleSinceSignal.asReadonly();
  readonly containers = computed<readonly Container[]>(() => {
    this.version();
    return [...this.state.containers.values()];
  });
  /**
   * Compose projects in use (over the line, those the counts name too), sorted; a new array only
   * when they change.
   */
  readonly projects = computed<readonly string[]>(
    () => {
      this.version();
      if (!this.partialSignal()) return this.state.projects();
      const names = new Set(this.state.projects());
      for (const counts of Object.values(this.countsSignal()))
        for (const p of Object.keys(counts.projects)) if (p !== '') names.add(p);
      return [...names].sort();
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
    destroyRef.onDestroy(() => {
      this.batcher.dispose();
      clearTimeout(this.findTimer);
    });
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
        // The handshake asked for the view then; if it changed since, ask again.
        const asked = this.viewRequest.asked;
        const now = this.viewRequest.items();
        this.loadedHostsSignal.set(new Set(partial ? keepListed(asked.hosts, now.hosts) : []));
        this.loadedProjectsSignal.set(
          new Set(partial ? keepListed(asked.projects, now.projects) : []),
        );
        if (!partial) this.foundSignal.set(null);
        if (partial && !sameItems(asked, now)) {
          this.state.retain(coverage(now));
          void this.requestView();
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
    if (sameStrings(next, before)) return;
    this.viewRequest.openHosts.set(next);
    void this.changeView();
    // The search's matches held are those on hosts not open then: ask again for the new hosts.
    const q = this.findQuery;
    if (q !== null && this.partialSignal()) {
      this.findQuery = null;
      this.foundSignal.set(null);
      this.findMatches(q);
    }
  }

  /**
   * The stacks to hold open (over the line): every container of them, on every host. A name the
   * gateway would refuse (from a pasted URL) is left out, as are all but the latest 100, so one
   * bad name never makes the whole view refused.
   */
  setOpenProjects(projects: Iterable<string>): void {
    const next = [...new Set(projects)]
      .filter(isProjectName)
      .slice(-LIMITS.maxSubscriptionProjects)
      .sort();
    if (sameStrings(next, this.viewRequest.openProjects())) return;
    this.viewRequest.openProjects.set(next);
    void this.changeView();
  }

  /** Over the line, a page that needs a stack's containers (its logs) opens that stack. */
  wantProject(project: string): void {
    if (this.viewRequest.openProjects().includes(project)) return;
    this.setOpenProjects([...this.viewRequest.openProjects(), project]);
  }

  /**
   * The search's text to ask the gateway for (over the line), or null. It is asked once the
   * typist pauses (`fleetFindDelayMs`); the matches on hosts not open join the view, so their
   * rows are live, and `found` tells of them once they are loaded. A newer text supersedes an
   * answer still on its way; the matches of the last answer stay until the next one.
   */
  findMatches(q: string | null): void {
    if (q === this.findQuery) return;
    this.findQuery = q;
    clearTimeout(this.findTimer);
    this.findTimer = undefined;
    if (q !== null) {
      this.findTimer = setTimeout(() => this.askForMatches(q), this.config.fleetFindDelayMs);
      return;
    }
    this.foundSignal.set(null);
    if (this.viewRequest.foundContainers().length === 0) return;
    this.viewRequest.foundContainers.set([]);
    void this.changeView();
  }

  private askForMatches(q: string): void {
    this.findTimer = undefined;
    if (!this.partialSignal() || !this.socket.connected) return;
    this.socket.request('find_containers', { q, limit: this.config.fleetFindLimit }).then(
      (ack) => {
        if (q !== this.findQuery || !this.partialSignal()) return;
        if (isErrorAck(ack)) {
          this.socket.reportFailure('Searching the fleet', ack);
          return;
        }
        const open = new Set(this.openHosts());
        const away = ack.containers.filter((c) => !open.has(c.host_id));
        const found: FoundMatches = {
          q,
          count: away.length,
          hosts: new Set(away.map((c) => c.host_id)).size,
          more: ack.more,
        };
        const ids = [...new Set(away.map((c) => c.container_id))].sort();
        if (sameStrings(ids, this.viewRequest.foundContainers())) {
          this.foundSignal.set(found);
          return;
        }
        this.viewRequest.foundContainers.set(ids);
        void this.changeView().then((loaded) => {
          if (loaded && q === this.findQuery) this.foundSignal.set(found);
        });
      },
      (error: unknown) => this.socket.reportFailure('Searching the fleet', error),
    );
  }

  /** Over the line, a page that needs a host's containers (a link to one) opens that host. */
  private wantHost(hostId: string): void {
    if (!this.partialSignal() || this.openHosts().includes(hostId)) return;
    // Reads happen inside computeds, which must not write signals.
    void Promise.resolve().then(() => this.setOpenHosts([...this.openHosts(), hostId]));
  }

  /**
   * The view changed (over the line): what it no longer holds is dropped at once (changes on
   * their way for it are ignored) and the whole view is sent. Resolves true once its ack is in.
   */
  private changeView(): Promise<boolean> {
    if (!this.partialSignal() || !this.loadedSignal()) return Promise.resolve(false);
    const now = this.viewRequest.items();
    this.batcher.flush();
    this.state.retain(coverage(now));
    this.loadedHostsSignal.update((set) => new Set(keepListed(set, now.hosts)));
    this.loadedProjectsSignal.update((set) => new Set(keepListed(set, now.projects)));
    this.bump();
    return this.requestView();
  }

  /** `subscribe` with the view; the ack's containers are loaded, then stay live. */
  private requestView(): Promise<boolean> {
    if (!this.socket.connected) return Promise.resolve(false);
    const items = this.viewRequest.items();
    return this.socket.request('subscribe', this.viewRequest.subscription(items)).then(
      (ack) => {
        if (isErrorAck(ack)) {
          this.socket.reportFailure('Opening hosts and stacks', ack);
          return false;
        }
        if (!this.partialSignal()) return false;
        // What was closed since this request was sent is not loaded; a reopening asks again.
        const now = this.viewRequest.items();
        const covers = coverage(now);
        this.batcher.flush();
        for (const c of ack.containers ?? []) if (covers(c)) this.state.applyContainer(c);
        this.loadedHostsSignal.update(
          (set) => new Set(keepListed([...set, ...items.hosts], now.hosts)),
        );
        this.loadedProjectsSignal.update(
          (set) => new Set(keepListed([...set, ...items.projects], now.projects)),
        );
        this.bump();
        return true;
      },
      (error: unknown) => {
        this.socket.reportFailure('Opening hosts and stacks', error);
        return false;
      },
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
    const covers = this.partialSignal() ? coverage(this.viewRequest.items()) : null;
    for (const change of changes) {
      // Changes of a closed host or stack sent before the gateway learnt it was closed.
      if (change.kind === 'container' && covers && !covers(change.container)) continue;
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

/** What `subscribe` takes as a compose project's name: 1 to 255 characters, no control ones. */
function isProjectName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name.length <= LIMITS.maxProjectName && /^[^\u0000-\u001f\u007f]+$/.test(name);
}

/** Whether a view holds a container: by its host, its stack or itself. */
function coverage(items: ViewItems): (c: Container) => boolean {
  const hosts = new Set(items.hosts);
  const projects = new Set(items.projects);
  const ids = new Set(items.containers);
  return (c) =>
    hosts.has(c.host_id) ||
    ids.has(c.container_id) ||
    (projects.size > 0 && projects.has(projectOf(c)));
}

/** The items of `items` still listed in `listed`. */
function keepListed(items: Iterable<string>, listed: readonly string[]): string[] {
  return [...items].filter((x) => listed.includes(x));
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
