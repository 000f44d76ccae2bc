import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { formatLogTimestamp } from '../shared/format';
import { type AnsiSegment, markRanges, parseAnsi } from './ansi';
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
    '[attr.data-testid]':
      'line().kind === "gap" ? "log-gap" : row().part > 0 ? "log-json-line" : "log-line"',
    '[attr.data-stream]': 'line().stderr ? "stderr" : "stdout"',
    '[attr.data-level]': 'line().level',
    '[attr.data-line-no]': 'line().lineNo',
    '[attr.data-source]': 'line().source',
  },
  template: `
    @if (showTimestamps()) {
      <span class="log-row__ts">{{ row().part === 0 ? timestamp() : '' }}</span>
    }
    @if (sourceLabel(); as label) {
      <span class="log-row__source source-{{ sourceIndex() % 8 }}" [title]="label">{{
        row().part === 0 ? label : ''
      }}</span>
    }
    <span class="log-row__gutter">
      @if (row().part === 0 && line().json) {
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
      } @else if (line().level && row().part === 0) {
        <span class="log-row__level level-{{ line().level }}" aria-hidden="true"></span>
      }
    </span>
    <span class="log-row__text">
      @if (line().kind === 'gap') {
        <span class="log-row__gap-mark" aria-hidden="true">⚠ </span><span>{{ line().plain }}</span>
      } @else if (row().part > 0) {
        <span>{{ row().text }}</span>
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
  `,
})
export class LogRowComponent {
  readonly row = input.required<LogRow>();
  readonly showTimestamps = input(true);
  readonly highlight = input<RegExp | null>(null);
  readonly sourceLabel = input<string | null>(null);
  readonly sourceIndex = input(0);
  readonly expanded = input(false);
  readonly toggleJson = output<LogLine>();

  protected readonly line = computed(() => this.row().line);
  protected readonly timestamp = computed(() => formatLogTimestamp(this.line().timestamp));
  protected readonly segments = computed(() => {
    const line = this.line();
    const segments = segmentsOf(line);
    const ranges = matchRanges(line.plain, this.highlight());
    return ranges.length > 0 ? markRanges(segments, ranges) : segments;
  });
}
