import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChildren,
} from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { FleetStore } from '../fleet/fleet.store';
import { containerLabel } from '../fleet/fleet-query';
import { ShortcutService } from '../shared/shortcut.service';
import { shortId } from '../shared/format';
import { type LogStream, streamKey } from './log-stream';
import { JUMP_PRESETS, isoToLocalInput, localInputToIso, sinceBefore, urlTime } from './log-moment';
import {
  type LogTarget,
  MAX_LOG_PANES,
  parseTargets,
  projectContainers,
  sameTargets,
  targetOf,
} from './log-targets';
import { LogSubscriptionService } from './log-subscription.service';
import { AlsoHereComponent } from '../presence/also-here.component';
import type { PresenceTarget } from '@flotilla/contracts/core';
import { LogViewerComponent } from './log-viewer.component';

/**
 * `/logs/:host/:id?with=host/id,host/id&merge=1`: one container's logs, several side by side,
 * or several merged into one view ordered by the Docker timestamp of each line.
 * `/logs?project=<name>`: every container of a compose project, merged (`merge=0`: side by side).
 * `since=<ISO>` starts every stream at that time; `at=<docker ts>&q=<filter>` (a permalink)
 * opens around that line, highlighted, with the filter applied.
 */
@Component({
  selector: 'flo-logs-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, LogViewerComponent, AlsoHereComponent],
  templateUrl: './logs-page.component.html',
})
export class LogsPageComponent {
  readonly host = input<string | undefined>(undefined);
  readonly id = input<string | undefined>(undefined);
  /** A compose project: open every container of it. */
  readonly project = input<string | undefined>(undefined);
  /** More containers: `host/id,host/id`. */
  readonly with = input<string | undefined>(undefined);
  /** `1` merges the containers into one view (`0` splits a project's). */
  readonly merge = input<string | undefined>(undefined);
  /** Start every stream at this time (ISO), then follow live. */
  readonly since = input<string | undefined>(undefined);
  /** A permalink's line (its Docker timestamp). */
  readonly at = input<string | undefined>(undefined);
  /** A permalink's filter. */
  readonly q = input<string | undefined>(undefined);

  private readonly logs = inject(LogSubscriptionService);
  protected readonly maxPanes = MAX_LOG_PANES;
  protected readonly fleet = inject(FleetStore);
  private readonly router = inject(Router);
  private readonly viewers = viewChildren(LogViewerComponent);

  /** The project's containers the fleet knows (they come and go with the fleet's state). */
  protected readonly projectMembers = computed(() => {
    const project = this.project();
    return project ? projectContainers(this.fleet.containers(), project) : [];
  });
  protected readonly targets = computed<readonly LogTarget[]>(
    () =>
      this.project()
        ? this.projectMembers().slice(0, this.maxPanes).map(targetOf)
        : parseTargets(this.host(), this.id(), this.with(), this.maxPanes),
    // A fleet update that leaves the same containers must not reopen the views.
    { equal: sameTargets },
  );
  protected readonly streams = signal<readonly LogStream[]>([]);
  protected readonly presets = JUMP_PRESETS;
  /** The time the streams start from, in Docker's form (a permalink's line, else `since`). */
  protected readonly startFrom = computed(() => urlTime(this.at()) ?? urlTime(this.since()));
  protected readonly atTime = computed(() => urlTime(this.at()));
  protected readonly sinceInput = computed(() => isoToLocalInput(this.since() ?? null));
  protected readonly merged = computed(
    () =>
      (this.project() ? this.merge() !== '0' : this.merge() === '1') && this.streams().length > 1,
  );
  protected readonly labels = computed<Record<string, string>>(() => {
    const labels: Record<string, string> = {};
    for (const s of this.streams()) labels[s.key] = this.nameOf(s);
    return labels;
  });
  protected readonly addable = computed(() => {
    const open = new Set(this.streams().map((s) => s.containerId));
    return this.fleet
      .containers()
      .filter((c) => !open.has(c.container_id))
      .map((c) => ({
        value: `${c.host_id}/${c.container_id}`,
        label: `${containerLabel(c)} · ${c.host_id}`,
      }))
      .sort((a, b) => (a.label < b.label ? -1 : 1))
      .slice(0, 2000);
  });
  protected readonly full = computed(() => this.targets().length >= this.maxPanes);
  /** The stack, or the one container, this page shows (several chosen by hand: neither). */
  protected readonly presenceTarget = computed<PresenceTarget | null>(
    () => {
      const project = this.project();
      if (project) return { kind: 'stack', project };
      const [only, ...more] = this.streams();
      if (!only || more.length > 0) return null;
      return { kind: 'container', host_id: only.hostId, container_id: only.containerId };
    },
    { equal: (a, b) => JSON.stringify(a) === JSON.stringify(b) },
  );

  constructor() {
    // Over the line the fleet holds a stack's containers only once the stack is opened.
    effect(() => {
      const project = this.project();
      if (project) untracked(() => this.fleet.wantProject(project));
    });
    const open = new Map<string, LogStream>();
    effect(() => {
      const targets = this.targets();
      const since = this.startFrom();
      untracked(() => {
        const keyOf = (t: LogTarget): string => streamKey(t.hostId, t.containerRef, since);
        const wanted = new Set(targets.map(keyOf));
        // Another time means other streams: the old ones stop before the new ones start.
        for (const [key, stream] of open) {
          if (wanted.has(key)) continue;
          this.logs.release(stream);
          open.delete(key);
        }
        for (const t of targets) {
          const key = keyOf(t);
          if (!open.has(key)) open.set(key, this.logs.acquire(t.hostId, t.containerRef, since));
        }
        this.streams.set(targets.map((t) => open.get(keyOf(t))).filter((s): s is LogStream => !!s));
      });
    });
    const destroyRef = inject(DestroyRef);
    destroyRef.onDestroy(() => {
      for (const stream of open.values()) this.logs.release(stream);
      open.clear();
    });

    const shortcuts = inject(ShortcutService);
    shortcuts.register(
      'f',
      () => this.viewers().forEach((v) => v.follow()),
      destroyRef,
      'Follow the logs',
    );
    shortcuts.register(
      '/',
      (event) => {
        event.preventDefault();
        this.viewers()[0]?.focusFilter();
      },
      destroyRef,
      'Filter the logs',
    );
  }

  protected nameOf(stream: LogStream): string {
    const c = this.fleet.find(stream.hostId, stream.containerId);
    return c ? containerLabel(c) : shortId(stream.containerRef);
  }

  protected stateOf(stream: LogStream): string | null {
    return this.fleet.find(stream.hostId, stream.containerId)?.state ?? null;
  }

  /** Restarts the view's streams from a time (ISO); null goes back to the live tail. */
  protected jumpTo(iso: string | null): void {
    void this.router.navigate([], {
      queryParams: { since: iso, at: null, q: null },
      queryParamsHandling: 'merge',
    });
  }

  protected jumpBack(minutes: number): void {
    this.jumpTo(sinceBefore(minutes, new Date()));
  }

  protected jumpToInput(value: string): void {
    const iso = localInputToIso(value);
    if (iso) this.jumpTo(iso);
  }

  /** The target key of a stream (as `with` and `remove` name containers). */
  protected targetKey(stream: LogStream): string {
    return `${stream.hostId}/${stream.containerRef}`;
  }

  /** Adding or removing a container turns a project's page into a list of its own. */
  protected add(value: string): void {
    if (!value) return;
    const keys = [...this.targets().map((t) => t.key), value];
    this.navigate(keys, this.merged());
  }

  protected remove(key: string): void {
    const keys = this.targets()
      .map((t) => t.key)
      .filter((k) => k !== key);
    if (keys.length === 0) {
      void this.router.navigateByUrl('/');
      return;
    }
    this.navigate(keys, this.merged());
  }

  protected toggleMerge(): void {
    if (this.project()) {
      void this.router.navigate([], {
        queryParams: { merge: this.merged() ? 0 : null },
        queryParamsHandling: 'merge',
      });
      return;
    }
    this.navigate(
      this.targets().map((t) => t.key),
      !this.merged(),
    );
  }

  private navigate(keys: string[], merge: boolean): void {
    const [first, ...rest] = keys;
    if (!first) return;
    const slash = first.indexOf('/');
    void this.router.navigate(['/logs', first.slice(0, slash), first.slice(slash + 1)], {
      queryParams: {
        with: rest.length > 0 ? rest.join(',') : null,
        merge: merge ? 1 : null,
        since: this.since() ?? null,
      },
    });
  }
}
