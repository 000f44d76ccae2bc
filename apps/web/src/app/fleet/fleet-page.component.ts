import {
  CdkFixedSizeVirtualScroll,
  CdkVirtualForOf,
  CdkVirtualScrollViewport,
} from '@angular/cdk/scrolling';
import { NgTemplateOutlet } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  DestroyRef,
  type ElementRef,
  computed,
  effect,
  inject,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { CONTAINER_STATES, type ContainerState } from '@flotilla/contracts/core';
import { ShortcutService } from '../shared/shortcut.service';
import { formatClock, formatCount } from '../shared/format';
import { StatsSubscriptionService, type StatsTarget } from '../stats/stats-subscription.service';
import {
  DEFAULT_QUERY,
  type FleetGroupRow,
  type FleetRow,
  NO_PROJECT,
  type SortField,
  type StateCounts,
  buildFleetView,
  collapseKey,
  findText,
} from './fleet-query';
import {
  hasQueryParams,
  openHosts,
  queryFromParams,
  queryToParams,
  sameQuery,
} from './fleet-query-url';
import { FleetRowComponent } from './fleet-row.component';
import { FleetViewState } from './fleet-view.state';
import { FleetStore } from './fleet.store';
import { CrashLoopBadgeComponent } from '../exits/crash-loop-badge.component';
import { CrashLoopService } from '../exits/crash-loop.service';

/** Row height of the fleet list, in px (the virtual scroll needs it fixed; see fleet.css). */
export const FLEET_ROW_HEIGHT = 40;

const SHOWN_STATES: readonly ContainerState[] = CONTAINER_STATES.filter((s) => s !== 'removed');

/**
 * Typing reaches the URL once the typist pauses this long: a navigation per key (router,
 * history entry, title) costs more than filtering a 20,000-container fleet.
 */
export const SEARCH_URL_DELAY_MS = 300;

@Component({
  selector: 'flo-fleet-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    CdkVirtualScrollViewport,
    CdkFixedSizeVirtualScroll,
    CdkVirtualForOf,
    FleetRowComponent,
    NgTemplateOutlet,
    RouterLink,
    CrashLoopBadgeComponent,
  ],
  templateUrl: './fleet-page.component.html',
})
export class FleetPageComponent {
  protected readonly store = inject(FleetStore);
  protected readonly state = inject(FleetViewState);
  private readonly stats = inject(StatsSubscriptionService);
  private readonly crashLoops = inject(CrashLoopService);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  /** The next URL write replaces the history entry (typing) instead of adding one. */
  private replaceUrl = false;
  /** The next URL write comes from typing: it waits for a pause (`SEARCH_URL_DELAY_MS`). */
  private typed = false;
  private readonly doc = inject(DOCUMENT);

  private readonly viewport = viewChild(CdkVirtualScrollViewport);
  private readonly searchBox = viewChild.required<ElementRef<HTMLInputElement>>('search');
  private readonly renderedRange = signal({ start: 0, end: 0 });

  protected readonly rowHeight = FLEET_ROW_HEIGHT;
  protected readonly states = SHOWN_STATES;
  protected readonly query = this.state.query;
  /** Over the line, the text of the search the gateway is asked for (see `findText`). */
  private readonly findText = computed(() =>
    this.store.partial() ? findText(this.state.query().search) : null,
  );
  /** The gateway's answer to the search as it stands now (null while none is loaded). */
  protected readonly found = computed(() => {
    const found = this.store.found();
    return found && found.q === this.findText() ? found : null;
  });
  /** The stack filtered on, when it is one (not all, not "none"). */
  private readonly filteredProject = computed(() => {
    const project = this.state.query().project;
    return project === 'all' || project === NO_PROJECT ? null : project;
  });
  protected readonly view = computed(() =>
    buildFleetView(
      this.store.containers(),
      this.store.hosts(),
      this.state.query(),
      this.state.collapsed(),
      this.store.partial()
        ? {
            counts: this.store.counts(),
            loaded: this.store.loadedHosts(),
            exact: this.heldAreAllMatches(),
          }
        : undefined,
    ),
  );
  /** Over the line: hosts not loaded, of all the page knows. */
  protected readonly hostsNotLoaded = computed(() =>
    this.store.partial()
      ? this.store.hosts().filter((h) => !this.store.loadedHosts().has(h.host_id)).length
      : 0,
  );
  protected readonly labelKeys = this.store.labelKeys;
  protected readonly projects = this.store.projects;
  protected readonly noProject = NO_PROJECT;
  protected readonly hostsOnline = computed(
    () => this.store.hosts().filter((h) => h.online).length,
  );
  protected readonly hostsOffline = computed(() => this.store.hosts().length - this.hostsOnline());
  protected readonly selectedCount = computed(() => this.state.selected().size);
  /** While the connection is down: the time what is shown was last known, `HH:MM:SS`. */
  protected readonly staleAt = computed(() => {
    const since = this.store.staleSince();
    return since ? formatClock(since) : null;
  });
  protected readonly filtering = computed(() => {
    const q = this.state.query();
    return q.search.trim() !== '' || q.state !== 'all' || q.host !== 'all' || q.project !== 'all';
  });

  constructor() {
    const destroyRef = inject(DestroyRef);
    const shortcuts = inject(ShortcutService);
    shortcuts.register(
      '/',
      (event) => {
        event.preventDefault();
        this.searchBox().nativeElement.focus();
        this.searchBox().nativeElement.select();
      },
      destroyRef,
      'Search containers',
    );
    shortcuts.describe('↑ ↓ j k', 'Move through the list', destroyRef);
    shortcuts.describe('Enter', 'Open the container (or fold its group)', destroyRef);
    shortcuts.describe('l', 'Logs of the container', destroyRef);
    shortcuts.describe('x Space', 'Select the container', destroyRef);
    shortcuts.describe('← →', 'Fold or unfold a group', destroyRef);

    this.syncQueryWithUrl(destroyRef);
    // The hosts open in the URL are the hosts whose containers the store holds over the line;
    // the stack filtered on is open too (its containers on every host).
    effect(() => {
      const open = this.state.query().open;
      untracked(() => this.store.setOpenHosts(open));
    });
    effect(() => {
      const project = this.filteredProject();
      untracked(() => this.store.setOpenProjects(project === null ? [] : [project]));
    });
    // Over the line, a search is asked of the gateway too once typing pauses (the store waits).
    effect(() => {
      const text = this.findText();
      untracked(() => this.store.findMatches(text));
    });
    destroyRef.onDestroy(() => this.store.findMatches(null));

    effect((onCleanup) => {
      const viewport = this.viewport();
      if (!viewport) return;
      const sub = viewport.renderedRangeStream.subscribe((range) => this.renderedRange.set(range));
      onCleanup(() => sub.unsubscribe());
    });

    // Stats for the running containers on screen, once scrolling settles.
    effect((onCleanup) => {
      const targets = this.visibleTargets();
      const timer = setTimeout(() => this.stats.setFleetTargets(targets), 300);
      onCleanup(() => clearTimeout(timer));
    });
    destroyRef.onDestroy(() => this.stats.setFleetTargets([]));

    // Keep the active row within the list when it shrinks.
    effect(() => {
      const count = this.view().rows.length;
      if (this.state.activeIndex() >= count) this.state.activeIndex.set(Math.max(0, count - 1));
    });
  }

  /** Running containers on screen; equal while the same ones are (fleet updates do not reset the debounce). */
  private readonly visibleTargets = computed<StatsTarget[]>(
    () => {
      const { start, end } = this.renderedRange();
      const rows = this.view().rows;
      const targets: StatsTarget[] = [];
      for (let i = start; i < Math.min(end, rows.length); i++) {
        const row = rows[i];
        if (row?.kind !== 'container' || row.offline || row.container.state !== 'running') continue;
        targets.push({ hostId: row.container.host_id, containerId: row.container.container_id });
      }
      return targets;
    },
    {
      equal: (a, b) =>
        a.length === b.length &&
        a.every((t, i) => t.hostId === b[i]?.hostId && t.containerId === b[i]?.containerId),
    },
  );

  /**
   * Over the line: the containers held of hosts not loaded are every match there, because the
   * stack filtered on is loaded or the gateway's answer to the search was complete.
   */
  private heldAreAllMatches(): boolean {
    const project = this.filteredProject();
    if (project !== null && this.store.loadedProjects().has(project)) return true;
    const found = this.found();
    return found !== null && !found.more;
  }

  /** Crash-looping containers of a stack (0: no badge). */
  protected crashLoopsIn(project: string): number {
    return this.crashLoops.loopingIn(project);
  }

  protected trackRow(_index: number, row: FleetRow): string {
    return row.key;
  }

  protected count(n: number | undefined): string {
    return formatCount(n ?? 0);
  }

  protected stateCounts(counts: StateCounts): { state: ContainerState; n: number }[] {
    return SHOWN_STATES.filter((s) => (counts[s] ?? 0) > 0).map((s) => ({
      state: s,
      n: counts[s] ?? 0,
    }));
  }

  protected setSearch(value: string): void {
    this.replaceUrl = true;
    this.typed = true;
    this.state.patchQuery({ search: value });
    this.state.activeIndex.set(0);
  }

  protected setStateFilter(value: string): void {
    this.state.patchQuery({ state: value === 'all' ? 'all' : (value as ContainerState) });
  }

  protected setHostFilter(value: string): void {
    this.state.patchQuery({ host: value });
  }

  protected setProjectFilter(value: string): void {
    this.state.patchQuery({ project: value });
  }

  protected setGroupByStack(on: boolean): void {
    this.state.patchQuery({ group: on ? 'stack' : 'host' });
  }

  protected setSort(value: string): void {
    this.state.patchQuery({ sort: value as SortField });
  }

  protected toggleDirection(): void {
    this.state.patchQuery({ direction: this.state.query().direction === 'asc' ? 'desc' : 'asc' });
  }

  protected clearFilters(): void {
    this.state.patchQuery({ search: '', state: 'all', host: 'all', project: 'all' });
  }

  protected onSearchKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      if (this.state.query().search) this.setSearch('');
      else this.searchBox().nativeElement.blur();
    } else if (event.key === 'ArrowDown' || event.key === 'Enter') {
      event.preventDefault();
      const first = this.view().rows.findIndex((r) => r.kind === 'container');
      this.focusRow(first === -1 ? 0 : first);
    }
  }

  protected isSelected(key: string): boolean {
    return this.state.selected().has(key);
  }

  protected activate(index: number): void {
    this.state.activeIndex.set(index);
  }

  /** Arrow keys, Page Up/Down, Home/End move; Enter opens; `l` logs; Space/`x` selects. */
  protected onListKey(event: KeyboardEvent): void {
    const rows = this.view().rows;
    if (rows.length === 0) return;
    const active = Math.min(this.state.activeIndex(), rows.length - 1);
    const page = Math.max(
      1,
      Math.floor((this.viewport()?.getViewportSize() ?? 400) / FLEET_ROW_HEIGHT) - 1,
    );
    const row = rows[active];
    let next: number | null = null;
    switch (event.key) {
      case 'ArrowDown':
      case 'j':
        next = active + 1;
        break;
      case 'ArrowUp':
      case 'k':
        next = active - 1;
        break;
      case 'PageDown':
        next = active + page;
        break;
      case 'PageUp':
        next = active - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = rows.length - 1;
        break;
      case 'Enter':
        if (row && row.kind !== 'container') this.toggleGroupRow(row);
        else if (row)
          void this.router.navigate([
            '/containers',
            row.container.host_id,
            row.container.container_id,
          ]);
        break;
      case 'l':
        if (row?.kind === 'container')
          void this.router.navigate(['/logs', row.container.host_id, row.container.container_id]);
        break;
      case ' ':
      case 'x':
        if (row?.kind === 'container') this.state.toggleSelected(row.key);
        else if (row) this.toggleGroupRow(row);
        break;
      case 'ArrowLeft':
        if (row && row.kind !== 'container' && !row.collapsed) this.toggleGroupRow(row);
        break;
      case 'ArrowRight':
        if (row && row.kind !== 'container' && row.collapsed) this.toggleGroupRow(row);
        break;
      default:
        return;
    }
    event.preventDefault();
    if (next !== null) this.focusRow(Math.max(0, Math.min(rows.length - 1, next)));
  }

  protected openSelectedLogs(merged: boolean): void {
    const keys = [...this.state.selected()];
    const [first, ...rest] = keys;
    if (!first) return;
    const [host, id] = splitKey(first);
    void this.router.navigate(['/logs', host, id], {
      queryParams: { with: rest.length ? rest.join(',') : null, merge: merged ? 1 : null },
    });
  }

  /** Folds a host; over the line, opens it (loads its containers) or closes it (drops them). */
  protected toggleHost(hostId: string): void {
    if (!this.store.partial()) {
      this.state.toggleCollapsed(hostId);
      return;
    }
    const open = this.state.query().open;
    this.state.patchQuery({
      open: open.includes(hostId) ? open.filter((h) => h !== hostId) : [...open, hostId].sort(),
    });
  }

  /** Over the line: opens the hosts not loaded whose containers may match the filters. */
  protected openUnloaded(): void {
    this.state.patchQuery({
      open: openHosts([...this.state.query().open, ...this.view().unloadedHosts]),
    });
  }

  protected isOpening(hostId: string): boolean {
    return this.store.openHosts().includes(hostId);
  }

  private toggleGroupRow(row: FleetGroupRow): void {
    if (row.kind === 'host') this.toggleHost(row.host.host_id);
    else this.state.toggleCollapsed(collapseKey(row));
  }

  protected toggleGroup(row: FleetGroupRow): void {
    this.state.toggleCollapsed(collapseKey(row));
  }

  /**
   * The query lives in the URL: a change is written there (typing replaces the history entry once
   * the typist pauses, other changes add one at once), and the URL changing under the page (back, forward, a pasted link)
   * sets the query. Entering with a bare `/` keeps the query the page had when it was left.
   */
  private syncQueryWithUrl(destroyRef: DestroyRef): void {
    let first = true;
    this.route.queryParamMap.pipe(takeUntilDestroyed(destroyRef)).subscribe((params) => {
      const get = (name: string): string | null => params.get(name);
      if (first && !hasQueryParams(get)) {
        first = false;
        // The remembered query is written into this same history entry.
        this.replaceUrl = !sameQuery(this.state.query(), DEFAULT_QUERY);
        return;
      }
      first = false;
      const fromUrl = queryFromParams(get);
      if (!sameQuery(fromUrl, this.state.query())) this.state.query.set(fromUrl);
    });
    let pending: ReturnType<typeof setTimeout> | null = null;
    destroyRef.onDestroy(() => {
      if (pending !== null) clearTimeout(pending);
    });
    effect(() => {
      const query = this.state.query();
      untracked(() => {
        // A newer query supersedes a typed one not written yet (it carries the search too).
        if (pending !== null) clearTimeout(pending);
        pending = null;
        const typed = this.typed;
        this.typed = false;
        const current = this.route.snapshot.queryParamMap;
        if (
          sameQuery(
            queryFromParams((n) => current.get(n)),
            query,
          )
        )
          return;
        const replaceUrl = this.replaceUrl;
        this.replaceUrl = false;
        const write = (): void =>
          void this.router.navigate([], {
            relativeTo: this.route,
            queryParams: queryToParams(query),
            replaceUrl,
          });
        if (typed) {
          pending = setTimeout(() => {
            pending = null;
            write();
          }, SEARCH_URL_DELAY_MS);
        } else {
          write();
        }
      });
    });
  }

  /** Makes a row the active one and scrolls it into view; focus stays on the list. */
  private focusRow(index: number): void {
    this.state.activeIndex.set(index);
    const viewport = this.viewport();
    if (!viewport) return;
    const size = viewport.getViewportSize();
    const offset = viewport.measureScrollOffset();
    const top = index * FLEET_ROW_HEIGHT;
    if (top < offset) viewport.scrollToOffset(top);
    else if (top + FLEET_ROW_HEIGHT > offset + size)
      viewport.scrollToOffset(top - size + FLEET_ROW_HEIGHT);
    const list = viewport.elementRef.nativeElement;
    if (this.doc.activeElement !== list) list.focus({ preventScroll: true });
  }
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
