import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  signal,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import { STREAM_CAPS, type TimelineEntry } from '@flotilla/contracts/core';
import { FleetStore } from '../fleet/fleet.store';
import { formatClock, formatCount, formatLogTimestamp } from '../shared/format';
import { describeEntry, groupByHour, mergeEntries } from './timeline-groups';
import { TimelineService } from './timeline.service';

/** How often the page asks for what is new while it shows the latest window. */
const REFRESH_MS = 5_000;
/** The logs of a point open this long before it, so what led up to it is on screen. */
const LOGS_LEAD_MS = 30_000;

const WINDOWS = [
  { label: 'Last hour', ms: 3_600_000 },
  { label: 'Last 6 hours', ms: 6 * 3_600_000 },
  { label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { label: 'Last 7 days', ms: 7 * 24 * 3_600_000 },
] as const;

/**
 * `/timeline`: every host's container events, container actions and agent starts and stops on
 * one time axis, newest first, grouped by hour; filters by host, project and label; new points
 * appear as they happen. A container's point opens its logs at that moment.
 */
@Component({
  selector: 'flo-timeline-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  styleUrl: './timeline-page.component.css',
  template: `
    <section class="timeline" aria-labelledby="timeline-title">
      <header class="page-header">
        <h1 id="timeline-title" class="page-header__title">Timeline</h1>
      </header>
      <form class="timeline__filters" (submit)="$event.preventDefault(); reload()">
        <label
          >Window
          <select data-testid="timeline-window" (change)="setWindow($event)">
            @for (w of windows; track w.ms) {
              <option [value]="w.ms" [selected]="w.ms === windowMs()">{{ w.label }}</option>
            }
          </select>
        </label>
        <label
          >Host
          <select data-testid="timeline-host" (change)="setFilter('host', $event)">
            <option value="">All hosts</option>
            @for (h of hosts(); track h) {
              <option [value]="h" [selected]="h === host()">{{ h }}</option>
            }
          </select>
        </label>
        <label
          >Project
          <input
            data-testid="timeline-project"
            placeholder="compose project"
            [value]="project()"
            (change)="setFilter('project', $event)"
        /></label>
        <label
          >Label
          <input
            data-testid="timeline-label"
            placeholder="key=value or key"
            [value]="label()"
            (change)="setFilter('label', $event)"
        /></label>
      </form>
      <p class="timeline__reach muted" data-testid="timeline-reach">
        @if (completeFrom(); as from) {
          Complete from {{ stamp(from) }}: each host keeps its newest {{ formatCount(cap) }} events;
          actions come from the audit trail.
        } @else {
          No events retained yet.
        }
        @if (truncated()) {
          <strong>
            Showing the newest {{ formatCount(entries().length) }}: narrow the window or filters for
            older ones.</strong
          >
        }
      </p>
      @if (error(); as message) {
        <p class="empty timeline__error" role="alert" data-testid="timeline-error">{{ message }}</p>
      } @else if (loaded() && entries().length === 0) {
        <p class="empty" data-testid="timeline-empty">Nothing happened in this window.</p>
      }
      <ol class="timeline__axis" aria-label="Events, newest first">
        @for (group of groups(); track group.hour) {
          <li class="timeline__hour">
            <h2 class="timeline__hour-title">{{ hourTitle(group.hour) }}</h2>
            <ol class="timeline__points">
              @for (e of group.entries; track e.id) {
                <li
                  class="timeline__point"
                  [attr.data-kind]="e.kind"
                  data-testid="timeline-point"
                  [attr.data-container]="e.container_name ?? ''"
                >
                  <span class="timeline__dot" aria-hidden="true"></span>
                  <time class="timeline__time mono" [attr.datetime]="e.at">{{ clock(e.at) }}</time>
                  <span class="timeline__kind">{{
                    e.kind === 'action' ? 'action' : kindLabel(e)
                  }}</span>
                  @if (e.container_id) {
                    <a
                      class="timeline__what"
                      data-testid="timeline-open-logs"
                      [routerLink]="['/logs', e.host_id, e.container_id]"
                      [queryParams]="{ since: logsSince(e) }"
                      [attr.aria-label]="
                        'Logs of ' + (e.container_name ?? e.container_id) + ' at ' + stamp(e.at)
                      "
                      >{{ e.container_name ?? e.container_id.slice(0, 12) }}</a
                    >
                  } @else {
                    <span class="timeline__what">agent</span>
                  }
                  <span class="timeline__detail">{{ describe(e) }}</span>
                  <span class="timeline__host muted"
                    >{{ e.host_id }}{{ e.project ? ' · ' + e.project : '' }}</span
                  >
                </li>
              }
            </ol>
          </li>
        }
      </ol>
    </section>
  `,
})
export class TimelinePageComponent {
  private readonly api = inject(TimelineService);
  private readonly fleet = inject(FleetStore);

  protected readonly windows = WINDOWS;
  protected readonly cap = STREAM_CAPS.events;
  protected readonly formatCount = formatCount;
  protected readonly describe = describeEntry;
  protected readonly windowMs = signal<number>(WINDOWS[2].ms);
  protected readonly host = signal('');
  protected readonly project = signal('');
  protected readonly label = signal('');
  protected readonly entries = signal<TimelineEntry[]>([]);
  protected readonly completeFrom = signal<string | null>(null);
  protected readonly truncated = signal(false);
  protected readonly loaded = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly groups = computed(() => groupByHour(this.entries()));
  protected readonly hosts = computed(() =>
    [...new Set(this.fleet.hosts().map((h) => h.host_id))].sort(),
  );
  /** Bumped by every reload, so an older answer arriving late is dropped. */
  private generation = 0;

  constructor() {
    void this.reload();
    const timer = setInterval(() => void this.refresh(), REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  protected setWindow(event: Event): void {
    this.windowMs.set(Number((event.target as HTMLSelectElement).value));
    void this.reload();
  }

  protected setFilter(which: 'host' | 'project' | 'label', event: Event): void {
    const value = (event.target as HTMLInputElement | HTMLSelectElement).value.trim();
    ({ host: this.host, project: this.project, label: this.label })[which].set(value);
    void this.reload();
  }

  /** Everything again: the window or a filter changed. */
  protected async reload(): Promise<void> {
    this.entries.set([]);
    this.loaded.set(false);
    await this.load(true);
  }

  /** What is new since the last answer (the window slides with the clock). */
  private refresh(): Promise<void> {
    return this.load(false);
  }

  private async load(fresh: boolean): Promise<void> {
    const generation = fresh ? ++this.generation : this.generation;
    const sinceMs = Date.now() - this.windowMs();
    try {
      const page = await this.api.page({
        since: new Date(sinceMs).toISOString(),
        host: this.host(),
        project: this.project(),
        label: this.label(),
      });
      if (generation !== this.generation) return;
      this.entries.set(fresh ? page.entries : mergeEntries(page.entries, this.entries(), sinceMs));
      this.completeFrom.set(page.complete_from);
      this.truncated.set(page.truncated);
      this.error.set(null);
    } catch (error: unknown) {
      if (generation !== this.generation) return;
      this.error.set(error instanceof Error ? error.message : String(error));
    }
    this.loaded.set(true);
  }

  protected kindLabel(e: TimelineEntry): string {
    return e.kind.replace('_', ' ');
  }

  protected clock(iso: string): string {
    return formatClock(new Date(iso));
  }

  protected stamp(iso: string): string {
    return formatLogTimestamp(iso).slice(0, 19);
  }

  protected hourTitle(hour: number): string {
    return formatLogTimestamp(new Date(hour).toISOString()).slice(0, 16);
  }

  protected logsSince(e: TimelineEntry): string {
    return new Date(Date.parse(e.at) - LOGS_LEAD_MS).toISOString();
  }
}
