import { DataSource } from '@angular/cdk/collections';
import {
  CdkFixedSizeVirtualScroll,
  CdkVirtualForOf,
  CdkVirtualScrollViewport,
} from '@angular/cdk/scrolling';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { Router } from '@angular/router';
import { BehaviorSubject, type Observable } from 'rxjs';
import { WEB_CONFIG } from '../core/app-config';
import { FILE_SAVER, KEY_VALUE_STORE, WINDOW } from '../core/browser/browser.tokens';
import { SocketService } from '../core/socket/socket.service';
import { FleetStore } from '../fleet/fleet.store';
import { LinePins } from '../pins/line-pins';
import { PinFormComponent } from '../pins/pin-form.component';
import { PinsService } from '../pins/pins.service';
import { formatClock, formatCount, shortId } from '../shared/format';
import { compileFilter } from './log-filter';
import { LOG_LEVELS, type LogLevel } from './log-level';
import type { LogLine } from './log-line';
import { LogRowComponent } from './log-row.component';
import type { LogStream } from './log-stream';
import { LogSubscriptionService } from './log-subscription.service';
import { type LogRow, LogViewState } from './log-view-state';
import { PERMALINK_CONTEXT_LINES, permalinkOf, targetSortKey } from './log-moment';

/** Row height of the log list, in px (fixed for the virtual scroll; see logs.css). */
export const LOG_ROW_HEIGHT = 18;
/** Closer than this to the bottom counts as "at the bottom": following resumes. */
const BOTTOM_SLACK_PX = 40;
const TIMESTAMPS_KEY = 'flotilla.logs.timestamps';
const WRAP_KEY = 'flotilla.logs.wrap';
/**
 * At this width or less lines wrap and timestamps hide (they would take half a phone's row),
 * unless the user chose otherwise.
 */
const NARROW_PX = 600;
/** Right padding of a row (see `.log-row` in logs.css): wrapped text stops short of it. */
const ROW_PADDING_RIGHT_PX = 12;

/** Hands the view's row array to the virtual scroll on every change, without copying it. */
class RowsDataSource extends DataSource<LogRow> {
  private readonly rows = new BehaviorSubject<readonly LogRow[]>([]);
  connect(): Observable<readonly LogRow[]> {
    return this.rows;
  }
  disconnect(): void {
    // The subject lives as long as the viewer.
  }
  emit(rows: readonly LogRow[]): void {
    this.rows.next(rows);
  }
}

export type StreamingState =
  'streaming' | 'idle' | 'starting' | 'reconnecting' | 'stopped' | 'error';

/**
 * A log pane over one or more streams (several are merged by time). The original design's
 * behaviour: follows new lines, pauses when the user scrolls up, offers "Follow logs", pulses
 * while streaming, shows the last update time. Plus: filter by text or regex with highlights,
 * by level, timestamps on or off, JSON pretty-printing (one line or all), line wrapping (rows
 * keep one height: a wrapped line becomes several rows), download of what is shown.
 */
@Component({
  selector: 'flo-log-viewer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    CdkVirtualScrollViewport,
    CdkFixedSizeVirtualScroll,
    CdkVirtualForOf,
    LogRowComponent,
    PinFormComponent,
  ],
  host: { class: 'log-viewer', 'data-testid': 'log-viewer', '[attr.data-sources]': 'sourceKeys()' },
  templateUrl: './log-viewer.component.html',
})
export class LogViewerComponent {
  readonly streams = input.required<readonly LogStream[]>();
  /** Display names per stream key (container names), for the merged view and downloads. */
  readonly labels = input<Readonly<Record<string, string>>>({});
  readonly title = input('Logs');
  /** A permalink's line (Docker's time): highlighted and scrolled into view when it arrives. */
  readonly at = input<string | null>(null);
  /** The filter text a permalink carried. */
  readonly initialFilter = input<string | null>(null);

  private readonly config = inject(WEB_CONFIG);
  private readonly socket = inject(SocketService);
  private readonly fleet = inject(FleetStore);
  private readonly store = inject(KEY_VALUE_STORE);
  private readonly saveFile = inject(FILE_SAVER);
  private readonly injector = inject(Injector);
  private readonly viewport = viewChild.required(CdkVirtualScrollViewport);
  private readonly filterBox = viewChild.required<ElementRef<HTMLInputElement>>('filterBox');
  private readonly probe = viewChild.required<ElementRef<HTMLElement>>('probe');
  private readonly win = inject(WINDOW);
  private readonly logs = inject(LogSubscriptionService);
  private readonly router = inject(Router);

  protected readonly rowHeight = LOG_ROW_HEIGHT;
  /** Pinned lines of the streams shown, and the line being pinned. */
  protected readonly pins = new LinePins(inject(PinsService), this.fleet, this.streams);
  protected readonly levels = LOG_LEVELS;
  protected readonly dataSource = new RowsDataSource();
  private view: LogViewState | null = null;

  protected readonly filterInput = signal('');
  private readonly filterText = signal('');
  protected readonly regex = signal(false);
  protected readonly caseSensitive = signal(false);
  protected readonly minLevel = signal<LogLevel | null>(null);
  protected readonly showTimestamps = signal(this.store.get(TIMESTAMPS_KEY) !== 'off');
  protected readonly following = signal(true);
  /** Lines shown (a line expanded or wrapped onto several rows counts once). */
  protected readonly shownLines = signal(0);
  private readonly expandedVersion = signal(0);
  protected readonly anyExpanded = signal(false);
  protected readonly allExpanded = signal(false);
  /** Some line shown is JSON (offer to expand them all). */
  protected readonly hasJson = signal(false);
  /** Wrap long lines; null until the width is known when the user never chose. */
  protected readonly wrap = signal<boolean | null>(this.storedWrap());
  /** Characters per row when wrapping (measured), 0 when not. */
  private columns = 0;
  /** A `load_earlier` round is under way. */
  protected readonly loadingEarlier = signal(false);
  protected readonly earlierError = signal<string | null>(null);
  /** Every stream reached the first line of its container's log. */
  protected readonly atBeginning = computed(
    () => this.streams().length > 0 && this.streams().every((s) => s.earlier() === 'beginning'),
  );
  /** The last permalink copied (shown so it can also be copied by hand). */
  protected readonly permalink = signal<string | null>(null);
  /** The sort key of the permalink's line. */
  protected readonly targetKey = computed(() => targetSortKey(this.at()));
  /** The permalink's line was scrolled into view once (later lines must not pull it back). */
  private targetShown = false;
  /** The lines before the permalink's line were asked for. */
  private contextAsked = false;
  /** The next prepend brings the permalink's context: centre its line rather than keep place. */
  private centreAfterPrepend = false;

  protected readonly merged = computed(() => this.streams().length > 1);
  protected readonly sourceKeys = computed(() =>
    this.streams()
      .map((s) => s.key)
      .join(' '),
  );
  private readonly sourceIndex = computed(() => new Map(this.streams().map((s, i) => [s.key, i])));
  protected readonly compiled = computed(() =>
    compileFilter({
      text: this.filterText(),
      regex: this.regex(),
      caseSensitive: this.caseSensitive(),
      minLevel: this.minLevel(),
    }),
  );
  protected readonly filterError = computed(() => {
    const c = this.compiled();
    return c.ok ? null : c.error;
  });
  protected readonly highlight = computed(() => {
    const c = this.compiled();
    return c.ok ? c.highlight : null;
  });
  protected readonly totalLines = computed(() =>
    this.streams().reduce((n, s) => {
      s.version();
      return n + s.ring.length;
    }, 0),
  );
  /** The newest line's time across the streams (Docker's timestamp when it had one). */
  private readonly lastUpdateAt = computed(() => {
    let last: Date | null = null;
    for (const s of this.streams()) {
      const t = s.lastUpdate();
      if (t && (!last || t > last)) last = t;
    }
    return last;
  });
  protected readonly lastUpdate = computed(() => {
    const at = this.lastUpdateAt();
    return at ? formatClock(at) : null;
  });
  protected readonly lastUpdateTitle = computed(
    () => this.lastUpdateAt()?.toISOString() ?? 'No line yet',
  );
  protected readonly streaming = computed<StreamingState>(() => {
    if (this.socket.state() !== 'connected') return 'reconnecting';
    const statuses = this.streams().map((s) => s.status());
    // A stream stays open on a stopped container (it may start again), but no line can flow.
    if (statuses.includes('streaming')) return this.anyRunning() ? 'streaming' : 'idle';
    if (statuses.includes('starting') || statuses.includes('waiting')) return 'starting';
    if (statuses.includes('error')) return 'error';
    return 'stopped';
  });
  /** The states of the containers shown, as far as the fleet knows them. */
  private readonly containerStates = computed(() =>
    this.streams().map((s) => this.fleet.find(s.hostId, s.containerRef)?.state ?? null),
  );
  /** Unknown containers count as running: the fleet may not have listed them yet. */
  private readonly anyRunning = computed(() =>
    this.containerStates().some((st) => st === null || st === 'running' || st === 'restarting'),
  );
  protected readonly idleText = computed(() => {
    const states = this.containerStates();
    return states.length === 1 ? `Container ${states[0]}` : 'No container running';
  });
  protected readonly streamMessage = computed(() =>
    this.streams()
      .map((s) => s.message())
      .filter((m): m is string => !!m)
      .join(' · '),
  );

  constructor() {
    const destroyRef = inject(DestroyRef);

    // A new set of streams: a new view.
    effect(() => {
      const streams = this.streams();
      untracked(() => {
        this.view = new LogViewState(streams, this.config.logCapacity);
        this.view.setWrap(this.columns);
        this.applyFilter();
        this.syncExpanded();
        this.publish(0);
      });
    });

    // The filter changed: recompute what is shown.
    effect(() => {
      this.compiled();
      untracked(() => {
        this.applyFilter();
        this.publish(0);
      });
    });

    // New lines: take only what arrived (one run per flush of the stream batcher).
    effect(() => {
      for (const s of this.streams()) s.version();
      untracked(() => {
        const view = this.view;
        if (!view) return;
        const { added, trimmed } = view.sync();
        if (added > 0 || trimmed > 0) this.publish(trimmed);
      });
    });

    // Earlier lines were put in front: rebuild, keeping the line the reader looks at in place.
    effect(() => {
      for (const s of this.streams()) s.prepended();
      untracked(() => this.rebuildKeepingPlace());
    });

    // A permalink's filter fills the box once.
    effect(() => {
      const q = this.initialFilter();
      if (q) untracked(() => (this.filterInput.set(q), this.filterText.set(q)));
    });

    // Debounce typing in the filter box: each change re-filters up to 100,000 lines.
    effect((onCleanup) => {
      const text = this.filterInput();
      const timer = setTimeout(() => this.filterText.set(text), 150);
      onCleanup(() => clearTimeout(timer));
    });

    // What a row's text may span changes with wrapping, timestamps and the source column.
    effect(() => {
      this.wrap();
      this.showTimestamps();
      this.merged();
      afterNextRender(() => this.measure(), { injector: this.injector });
    });

    afterNextRender(() => {
      const viewport = this.viewport();
      const sub = viewport.elementScrolled().subscribe(() => this.onScroll());
      destroyRef.onDestroy(() => sub.unsubscribe());
      // Absent in test DOMs: the width is then measured once per layout change only.
      const Observer = (this.win as Window & typeof globalThis).ResizeObserver as
        typeof ResizeObserver | undefined;
      if (Observer) {
        const observer = new Observer(() => this.measure());
        observer.observe(viewport.elementRef.nativeElement);
        destroyRef.onDestroy(() => observer.disconnect());
      }
      this.scrollToBottom();
    });
  }

  /** Resumes following: jumps to the newest line. */
  follow(): void {
    this.following.set(true);
    this.scrollToBottom();
  }

  focusFilter(): void {
    this.filterBox().nativeElement.focus();
    this.filterBox().nativeElement.select();
  }

  /** Pages every stream back with `load_earlier` (a merged view merges the pages by time). */
  protected async loadEarlier(limit?: number): Promise<void> {
    if (this.loadingEarlier()) return;
    this.loadingEarlier.set(true);
    this.earlierError.set(null);
    this.following.set(false);
    try {
      await Promise.all(
        this.streams()
          .filter((s) => s.earlier() !== 'beginning')
          .map((s) => this.logs.loadEarlier(s, limit)),
      );
    } catch (error: unknown) {
      this.earlierError.set(error instanceof Error ? error.message : 'Loading failed');
    } finally {
      this.loadingEarlier.set(false);
    }
  }

  /** Makes the permalink of a line (with the filter shown) and puts it on the clipboard. */
  protected copyLink(line: LogLine): void {
    if (!line.timestamp) return;
    const stream = this.streams().find((s) => s.key === line.source);
    const single = this.streams().length === 1 && stream;
    const url = permalinkOf(
      this.router,
      single ? { hostId: stream.hostId, containerId: stream.containerId } : null,
      line.timestamp,
      this.filterText() || null,
    );
    const absolute = new URL(url, this.win.location.href).toString();
    this.permalink.set(absolute);
    this.win.navigator.clipboard?.writeText(absolute).catch(() => {
      // Clipboard refused (no permission): the link stays shown to copy by hand.
    });
  }

  protected trackRow(_index: number, row: LogRow): number {
    return row.id;
  }

  protected count(n: number): string {
    return formatCount(n);
  }

  protected labelOf(line: LogLine): string | null {
    if (!this.merged()) return null;
    const stream = this.streams().find((s) => s.key === line.source);
    return this.labels()[line.source] ?? (stream && shortId(stream.containerRef)) ?? line.source;
  }

  protected indexOf(line: LogLine): number {
    return this.sourceIndex().get(line.source) ?? 0;
  }

  protected isExpanded(line: LogLine): boolean {
    this.expandedVersion();
    return this.view?.isExpanded(line.uid) ?? false;
  }

  protected toggleJson(line: LogLine): void {
    this.view?.toggleExpanded(line);
    this.syncExpanded();
    this.publish(0);
  }

  protected expandJson(): void {
    this.view?.expandAll();
    this.syncExpanded();
    this.publish(0);
  }

  protected toggleWrap(): void {
    const next = !this.wrap();
    this.wrap.set(next);
    this.store.set(WRAP_KEY, next ? 'on' : 'off');
  }

  protected toggleTimestamps(): void {
    const next = !this.showTimestamps();
    this.showTimestamps.set(next);
    this.store.set(TIMESTAMPS_KEY, next ? 'on' : 'off');
  }

  protected setMinLevel(value: string): void {
    this.minLevel.set(value === '' ? null : (value as LogLevel));
  }

  protected onFilterKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.stopPropagation();
      this.filterInput.set('');
      this.filterText.set('');
    } else if (event.key === 'Enter') {
      this.filterText.set(this.filterInput());
    }
  }

  /** Wheel or keys upwards pause following at once, before the scroll settles. */
  protected onWheel(event: WheelEvent): void {
    if (event.deltaY < 0) this.following.set(false);
  }

  protected onListKey(event: KeyboardEvent): void {
    if (['ArrowUp', 'PageUp', 'Home'].includes(event.key)) this.following.set(false);
    if (event.key === 'End') {
      event.preventDefault();
      this.follow();
    }
  }

  protected download(): void {
    const view = this.view;
    if (!view) return;
    const labels = this.labels();
    const text = view.toText({
      timestamps: this.showTimestamps(),
      label: this.merged() ? (line) => labels[line.source] ?? line.source : undefined,
    });
    const name = (
      this.merged() ? 'merged' : (labels[this.streams()[0]?.key ?? ''] ?? 'container')
    ).replace(/[^\w.-]+/g, '_');
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    this.saveFile(`${name}-${stamp}.log`, text);
  }

  protected collapseJson(): void {
    this.view?.collapseAll();
    this.syncExpanded();
    this.publish(0);
  }

  private syncExpanded(): void {
    this.expandedVersion.update((v) => v + 1);
    this.anyExpanded.set(this.view?.anyExpanded ?? false);
    this.allExpanded.set(this.view?.allExpanded ?? false);
  }

  private storedWrap(): boolean | null {
    const stored = this.store.get(WRAP_KEY);
    return stored === 'on' ? true : stored === 'off' ? false : null;
  }

  /**
   * How many characters fit in a row's text column, from a hidden row laid out like the real
   * ones (the font is monospaced): wrapping then cuts lines into rows of that many.
   */
  private measure(): void {
    const list = this.viewport().elementRef.nativeElement;
    const width = list.clientWidth;
    if (width === 0) return; // not laid out (hidden): nothing to fit
    let wrap = this.wrap();
    if (wrap === null) {
      const narrow = width <= NARROW_PX;
      wrap = narrow;
      this.wrap.set(wrap);
      if (narrow && this.store.get(TIMESTAMPS_KEY) === null) this.showTimestamps.set(false);
    }
    let columns = 0;
    if (wrap) {
      const probe = this.probe().nativeElement;
      const sample = probe.querySelector<HTMLElement>('.log-viewer__probe-sample');
      const chars = sample?.textContent?.length ?? 0;
      if (!sample || chars === 0) return;
      const box = sample.getBoundingClientRect();
      const charWidth = box.width / chars;
      const textLeft = box.left - probe.getBoundingClientRect().left;
      columns = Math.max(8, Math.floor((width - textLeft - ROW_PADDING_RIGHT_PX) / charWidth));
    }
    if (columns === this.columns) return;
    this.columns = columns;
    if (this.view?.setWrap(columns)) this.publish(0);
  }

  /** Rebuilds the rows after a prepend and keeps the first row seen at the same place. */
  private rebuildKeepingPlace(): void {
    const view = this.view;
    if (!view) return;
    const viewport = this.viewport();
    const offset = viewport.measureScrollOffset();
    const index = Math.floor(offset / LOG_ROW_HEIGHT);
    const anchor = view.rows[index]?.id;
    view.rebuild();
    this.dataSource.emit(view.rows);
    this.shownLines.set(view.lineCount);
    this.hasJson.set(view.hasJson);
    if (this.centreAfterPrepend) {
      this.centreAfterPrepend = false;
      this.targetShown = false;
      this.revealTarget();
      return;
    }
    const moved = anchor === undefined ? -1 : view.rows.findIndex((r) => r.id === anchor);
    if (moved >= 0) {
      const within = offset - index * LOG_ROW_HEIGHT;
      afterNextRender(() => viewport.scrollToOffset(moved * LOG_ROW_HEIGHT + within), {
        injector: this.injector,
      });
    }
  }

  /** The permalink's line, once it is among the rows: scrolled into view (once). */
  private revealTarget(): void {
    const key = this.targetKey();
    const view = this.view;
    if (this.targetShown || key === null || !view) return;
    const index = view.rows.findIndex((r) => r.line.kind === 'line' && r.line.sortKey === key);
    if (index < 0) return;
    this.targetShown = true;
    this.following.set(false);
    if (!this.contextAsked) {
      // The stream starts at the line: fetch what led to it (the rebuild then centres it again).
      this.contextAsked = true;
      this.centreAfterPrepend = true;
      void this.loadEarlier(PERMALINK_CONTEXT_LINES);
    }
    const viewport = this.viewport();
    afterNextRender(
      () => {
        const visible = viewport.getViewportSize() / LOG_ROW_HEIGHT;
        viewport.scrollToOffset(Math.max(0, (index - Math.floor(visible / 2)) * LOG_ROW_HEIGHT));
      },
      { injector: this.injector },
    );
  }

  private applyFilter(): void {
    const compiled = this.compiled();
    if (compiled.ok) this.view?.setFilter(compiled.test);
  }

  /** Hands the rows to the list; keeps the reader's place or the newest line in view. */
  private publish(trimmed: number): void {
    const view = this.view;
    if (!view) return;
    this.dataSource.emit(view.rows);
    this.shownLines.set(view.lineCount);
    this.hasJson.set(view.hasJson);
    this.revealTarget();
    if (this.following()) {
      this.scrollToBottom();
    } else if (trimmed > 0) {
      // Lines left the top of the buffer: move up with them so the reader's lines stay put.
      const viewport = this.viewport();
      viewport.scrollToOffset(
        Math.max(0, viewport.measureScrollOffset() - trimmed * LOG_ROW_HEIGHT),
      );
    }
  }

  private scrollToBottom(): void {
    afterNextRender(
      () => {
        if (!this.following()) return;
        const el = this.viewport().elementRef.nativeElement;
        el.scrollTop = el.scrollHeight;
      },
      { injector: this.injector },
    );
  }

  private onScroll(): void {
    const atBottom = this.viewport().measureScrollOffset('bottom') < BOTTOM_SLACK_PX;
    if (atBottom !== this.following()) this.following.set(atBottom);
  }
}
