import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink, type ParamMap } from '@angular/router';
import { SEARCH_LIMITS, type SearchDonePayload, type SearchMatch } from '@flotilla/contracts/core';
import type { Subscription } from 'rxjs';
import { FleetStore } from '../fleet/fleet.store';
import { formatBytes, formatCount, formatLogTimestamp } from '../shared/format';
import { type SearchQueryInput, LogSearchService, SearchRefusedError } from './log-search.service';
import { highlighter, type LineSegment } from './search-highlight';
import { fromLocalInput, queryFromParams, toLocalInput } from './search-query';

/** A match's logs open this long before it, so what led up to it is on screen. */
const LOGS_LEAD_MS = 10_000;

interface ResultRow {
  key: number;
  match: SearchMatch;
  segments: LineSegment[];
}

type Status = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

/**
 * `/search`: one regular expression over every host's container logs as Docker keeps them
 * (running and stopped containers), within the user's scope. The query lives in the URL;
 * matches stream in in time order with the match highlighted; a match opens its container's
 * logs at that moment. Leaving the page, or a new search, cancels the running one.
 */
@Component({
  selector: 'flo-search-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  styleUrl: './search-page.component.css',
  template: `
    <section class="search-page" aria-labelledby="search-title">
      <header class="page-header">
        <h1 id="search-title" class="page-header__title">Search logs</h1>
      </header>
      <form class="search-page__form" data-testid="search-form" (submit)="submit($event)">
        <label class="search-page__pattern"
          >Pattern (RE2 regular expression)
          <input
            name="q"
            data-testid="search-pattern"
            required
            autocomplete="off"
            spellcheck="false"
            placeholder="e.g. error|timeout"
            [maxLength]="maxPattern"
            [value]="query().q"
            [attr.aria-invalid]="patternError() ? true : null"
            aria-describedby="search-pattern-error"
          />
          <span
            id="search-pattern-error"
            class="search-page__field-error"
            role="alert"
            data-testid="search-pattern-error"
            >{{ patternError() }}</span
          >
        </label>
        <label
          >Host
          <select name="host" data-testid="search-host">
            <option value="">All hosts</option>
            @for (h of hosts(); track h) {
              <option [value]="h" [selected]="h === query().host">{{ h }}</option>
            }
          </select>
        </label>
        <label
          >Container
          <input
            name="container"
            data-testid="search-container"
            placeholder="name or id"
            [value]="query().container ?? ''"
        /></label>
        <label
          >Project
          <input
            name="project"
            data-testid="search-project"
            placeholder="compose project"
            [value]="query().project ?? ''"
        /></label>
        <label
          >Label
          <input
            name="label"
            data-testid="search-label"
            placeholder="key=value or key"
            [value]="query().label ?? ''"
        /></label>
        <label
          >Since
          <input
            name="since"
            type="datetime-local"
            step="1"
            data-testid="search-since"
            [value]="local(query().since)"
        /></label>
        <label
          >Until
          <input
            name="until"
            type="datetime-local"
            step="1"
            data-testid="search-until"
            [value]="local(query().until)"
        /></label>
        <label
          >Limit
          <input
            name="limit"
            type="number"
            min="1"
            [max]="maxLimit"
            data-testid="search-limit"
            [value]="query().limit ?? defaultLimit"
        /></label>
        <span class="search-page__buttons">
          <button type="submit" class="button button--primary" data-testid="search-submit">
            Search
          </button>
          @if (status() === 'running') {
            <button type="button" class="button" data-testid="search-cancel" (click)="cancel()">
              Cancel
            </button>
          }
        </span>
      </form>
      <p class="search-page__status muted" data-testid="search-status" aria-live="polite">
        @switch (status()) {
          @case ('running') {
            Searching… {{ formatCount(rows().length) }} matches so far.
          }
          @case ('done') {
            {{ formatCount(rows().length) }} {{ rows().length === 1 ? 'match' : 'matches' }}.
            @if (summary()?.truncated) {
              <strong>Stopped at the limit: narrow the search or raise the limit.</strong>
            }
          }
          @case ('cancelled') {
            Cancelled after {{ formatCount(rows().length) }} matches.
          }
          @case ('failed') {
            <span class="search-page__error" role="alert" data-testid="search-error">{{
              error()
            }}</span>
          }
          @default {
            Searches the logs Docker keeps on every host you may see, running and stopped containers
            alike.
          }
        }
        @if (status() !== 'idle') {
          <span data-testid="search-progress">
            Scanned {{ formatCount(scanned().containers) }}
            {{ scanned().containers === 1 ? 'container' : 'containers' }},
            {{ formatBytes(scanned().bytes) }}.</span
          >
        }
        @for (f of summary()?.hosts_failed ?? []; track f.host_id) {
          <span class="search-page__error" data-testid="search-host-failed"
            >{{ f.host_id }}: {{ f.error }}.</span
          >
        }
      </p>
      @if (status() === 'done' && rows().length === 0) {
        <p class="empty" data-testid="search-empty">No line matches.</p>
      }
      <ol class="search-page__results mono" aria-label="Matches, oldest first">
        @for (row of rows(); track row.key) {
          <li
            class="search-page__row"
            data-testid="search-match"
            [attr.data-stream]="row.match.stream"
          >
            <a
              class="search-page__open"
              data-testid="search-open-logs"
              [routerLink]="['/logs', row.match.host_id, row.match.container_id]"
              [queryParams]="{ since: logsSince(row.match) }"
              [attr.aria-label]="
                'Logs of ' + row.match.container_name + ' at ' + stamp(row.match.ts)
              "
            >
              <time class="search-page__ts" [attr.datetime]="row.match.ts">{{
                stamp(row.match.ts)
              }}</time>
              <span class="search-page__where"
                >{{ row.match.host_id }} · {{ row.match.container_name }}</span
              >
            </a>
            <!-- Every piece in its own element: the whitespace between them is dropped. -->
            <span class="search-page__line">
              @for (s of row.segments; track $index) {
                @if (s.match) {
                  <mark data-testid="search-hit">{{ s.text }}</mark>
                } @else {
                  <span>{{ s.text }}</span>
                }
              }
            </span>
          </li>
        }
      </ol>
    </section>
  `,
})
export class SearchPageComponent {
  private readonly api = inject(LogSearchService);
  private readonly fleet = inject(FleetStore);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly maxPattern = SEARCH_LIMITS.maxPatternLength;
  protected readonly maxLimit = SEARCH_LIMITS.maxLimit;
  protected readonly defaultLimit = SEARCH_LIMITS.defaultLimit;
  protected readonly formatCount = formatCount;
  protected readonly formatBytes = formatBytes;
  protected readonly local = toLocalInput;
  protected readonly query = signal<SearchQueryInput>({ q: '' });
  protected readonly rows = signal<ResultRow[]>([]);
  protected readonly scanned = signal({ containers: 0, bytes: 0 });
  protected readonly status = signal<Status>('idle');
  protected readonly summary = signal<SearchDonePayload | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly patternError = signal<string | null>(null);
  protected readonly hosts = computed(() =>
    [...new Set(this.fleet.hosts().map((h) => h.host_id))].sort(),
  );
  private running: Subscription | null = null;

  constructor() {
    this.route.queryParamMap.pipe(takeUntilDestroyed()).subscribe((params) => this.run(params));
    inject(DestroyRef).onDestroy(() => this.running?.unsubscribe());
  }

  /** The form becomes the URL; the URL runs the search (so back, reload and links repeat it). */
  protected submit(event: Event): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const text = (name: string): string | null => {
      const value = data.get(name);
      return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
    };
    const limit = text('limit');
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: {
        q: (data.get('q') as string | null) ?? '',
        host: text('host'),
        container: text('container'),
        project: text('project'),
        label: text('label'),
        since: fromLocalInput(text('since')),
        until: fromLocalInput(text('until')),
        limit: limit !== null && Number(limit) !== this.defaultLimit ? limit : null,
        // A new value each time: the same query submitted again searches again.
        run: Date.now().toString(36),
      },
    });
  }

  protected cancel(): void {
    this.running?.unsubscribe();
    this.running = null;
    this.status.set('cancelled');
  }

  private run(params: ParamMap): void {
    this.running?.unsubscribe();
    this.running = null;
    const query = queryFromParams(params);
    this.query.set(query);
    this.rows.set([]);
    this.scanned.set({ containers: 0, bytes: 0 });
    this.summary.set(null);
    this.error.set(null);
    this.patternError.set(null);
    if (query.q === '') {
      this.status.set('idle');
      return;
    }
    this.status.set('running');
    const highlight = highlighter(query.q);
    let key = 0;
    this.running = this.api.search(query).subscribe({
      next: (event) => {
        const p = event.payload;
        this.scanned.set({ containers: p.containers_scanned, bytes: p.bytes_scanned });
        if (event.kind === 'done') {
          this.summary.set(event.payload);
          this.status.set(event.payload.error ? 'failed' : 'done');
          if (event.payload.error) this.error.set(event.payload.error);
        } else if (event.payload.matches.length > 0) {
          const added = event.payload.matches.map((match) => ({
            key: key++,
            match,
            segments: highlight(match.line),
          }));
          this.rows.update((rows) => rows.concat(added));
        }
      },
      error: (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof SearchRefusedError && /pattern/.test(message))
          this.patternError.set(message);
        this.error.set(message);
        this.status.set('failed');
      },
    });
  }

  protected stamp(ts: string): string {
    return formatLogTimestamp(millis(ts));
  }

  protected logsSince(match: SearchMatch): string {
    return new Date(Date.parse(millis(match.ts)) - LOGS_LEAD_MS).toISOString();
  }
}

/** A search timestamp (nine fraction digits) cut to milliseconds, as `Date` reads it. */
function millis(ts: string): string {
  return `${ts.slice(0, 23)}Z`;
}
