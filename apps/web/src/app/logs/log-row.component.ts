import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import type { Pin } from '@flotilla/contracts/core';
import { formatLogTimestamp } from '../shared/format';
import { type AnsiSegment, markRanges, parseAnsi, sliceSegments } from './ansi';
import { matchRanges } from './log-filter';
import type { LogLine } from './log-line';
import type { LogRow } from './log-view-state';

/** Parsed segments per line, so scrolling back and forth does not parse again. */
const segmentCache = new WeakMap<LogLine, AnsiSegment[]>();

function segmentsOf(line: LogLine): AnsiSegment[] {
  let segments = segmentCache.get(line);
  if (!segments) {
    segments = parseAnsi(line.text);
    segmentCache.set(line, segments);
  }
  return segments;
}

/**
 * One row of a log view. Text is rendered only through interpolation, segment by segment: a line
 * holding `<script>` shows those characters, nothing else. (Every text sits in its own element:
 * the whitespace between elements is dropped by the compiler, so none leaks into a line.)
 */
@Component({
  selector: 'flo-log-row',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    class: 'log-row',
    '[class.log-row--stderr]': 'line().stderr',
    '[class.log-row--gap]': 'line().kind === "gap"',
    '[class.log-row--json-part]': 'row().part > 0',
    '[class.log-row--wrapped]': 'row().chunk > 0',
    '[class.log-row--pinned]': 'pin() !== null',
    '[class.log-row--target]': 'target()',
    '[attr.data-testid]':
      'line().kind === "gap" ? "log-gap" : row().part > 0 ? "log-json-line" : row().chunk > 0 ? "log-line-wrap" : target() ? "log-line-target" : "log-line"',
    '[attr.data-ts]': 'line().timestamp',
    '[attr.data-stream]': 'line().stderr ? "stderr" : "stdout"',
    '[attr.data-level]': 'line().level',
    '[attr.data-line-no]': 'line().lineNo',
    '[attr.data-source]': 'line().source',
  },
  template: `
    @if (showTimestamps()) {
      <span class="log-row__ts">{{ head() ? timestamp() : '' }}</span>
    }
    @if (sourceLabel(); as label) {
      <span class="log-row__source source-{{ sourceIndex() % 8 }}" [title]="label">{{
        head() ? label : ''
      }}</span>
    }
    <span class="log-row__gutter">
      @if (head()) {
        @if (pinnable() && line().kind === 'line' && line().timestamp) {
          <button
            type="button"
            class="log-row__pin"
            data-testid="log-pin-button"
            [attr.aria-label]="pin() ? 'Pinned: ' + pin()?.note : 'Pin this line'"
            [title]="pin() ? 'Pinned by ' + pin()?.user : 'Pin this line with a note'"
            (click)="pinLine.emit(line())"
          >
            ⚑
          </button>
        } @else if (pin()) {
          <span class="log-row__pin" aria-hidden="true">⚑</span>
        }
        @if (line().level; as level) {
          <span class="log-row__level level-{{ level }}" aria-hidden="true"></span>
        }
        @if (line().json) {
          <button
            type="button"
            class="log-row__json-toggle"
            tabindex="-1"
            data-testid="log-json-toggle"
            [attr.aria-expanded]="expanded()"
            [attr.aria-label]="expanded() ? 'Collapse JSON' : 'Pretty-print JSON'"
            (click)="toggleJson.emit(line())"
          >
            {{ expanded() ? '−' : '{}' }}
          </button>
        }
        @if (line().kind === 'line' && line().timestamp) {
          <button
            type="button"
            class="log-row__link"
            data-testid="log-copy-link"
            aria-label="Copy a link to this line"
            title="Copy a link to this line"
            (click)="copyLink.emit(line())"
          >
            #
          </button>
        }
      }
    </span>
    <span class="log-row__text">
      @if (line().kind === 'gap') {
        @if (row().chunk === 0) {
          <span class="log-row__gap-mark" aria-hidden="true">⚠ </span>
        }
        <span>{{ slice(line().plain) }}</span>
      } @else if (row().part > 0) {
        <span>{{ slice(row().text ?? '') }}</span>
      } @else {
        @for (seg of segments(); track $index) {
          @if (seg.mark) {
            <mark
              class="log-row__match {{ seg.classes }}"
              [style.color]="seg.color"
              [style.background-color]="seg.background"
              >{{ seg.text }}</mark
            >
          } @else {
            <span
              class="{{ seg.classes }}"
              [style.color]="seg.color"
              [style.background-color]="seg.background"
              >{{ seg.text }}</span
            >
          }
        }
      }
    </span>
    @if (head() && pin(); as p) {
      <span class="log-row__pin-note" data-testid="log-pin-note" [title]="'Pinned by ' + p.user">{{
        p.note
      }}</span>
    }
  `,
})
export class LogRowComponent {
  readonly row = input.required<LogRow>();
  readonly showTimestamps = input(true);
  readonly highlight = input<RegExp | null>(null);
  readonly sourceLabel = input<string | null>(null);
  readonly sourceIndex = input(0);
  readonly expanded = input(false);
  /** The line a permalink names. */
  readonly target = input(false);
  readonly toggleJson = output<LogLine>();
  /** The pin on this line, if any (its note is shown as text). */
  readonly pin = input<Pin | null>(null);
  /** The user may pin lines: each line offers a pin button. */
  readonly pinnable = input(false);
  readonly pinLine = output<LogLine>();
  readonly copyLink = output<LogLine>();

  protected readonly line = computed(() => this.row().line);
  protected readonly timestamp = computed(() => formatLogTimestamp(this.line().timestamp));
  /** The row that starts its line: it carries the timestamp, source and level. */
  protected readonly head = computed(() => this.row().part === 0 && this.row().chunk === 0);
  protected readonly segments = computed(() => {
    const line = this.line();
    const { from, to } = this.row();
    const segments = segmentsOf(line);
    const ranges = matchRanges(line.plain, this.highlight());
    const marked = ranges.length > 0 ? markRanges(segments, ranges) : segments;
    return from === null || to === null ? marked : sliceSegments(marked, from, to);
  });

  /** This row's share of a text (all of it unless wrapped). */
  protected slice(text: string): string {
    const { from, to } = this.row();
    return from === null || to === null ? text : text.slice(from, to);
  }
}
