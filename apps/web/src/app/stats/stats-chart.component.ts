import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { StatsSample } from '@flotilla/contracts/core';
import { formatBytes, formatPercent } from '../shared/format';
import { axisTicks, memoryAxisTop, niceMax, polylinePoints } from './chart-geometry';
import { memoryText } from './memory';

const WIDTH = 600;
const HEIGHT = 160;
/** Intervals on each axis. */
const TICKS = 4;

/**
 * The container view's live chart, in plain SVG: CPU % on the left axis, memory in bytes on the
 * right one, time along the bottom. Lines start at the first sample received (nothing is drawn
 * before it).
 */
@Component({
  selector: 'flo-stats-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'stats-chart', 'data-testid': 'stats-chart' },
  template: `
    <div class="stats-chart__legend">
      <span class="stats-chart__key stats-chart__key--cpu" data-testid="stats-cpu-text"
        >CPU {{ cpuText() }}</span
      >
      <span class="stats-chart__key stats-chart__key--mem" data-testid="stats-memory-text"
        >Memory {{ memText() }}</span
      >
      @if (latest(); as s) {
        <span class="stats-chart__extra">
          {{ s.pids }} processes · net ↓{{ bytes(s.net_rx) }} ↑{{ bytes(s.net_tx) }} · block r
          {{ bytes(s.block_read) }} w {{ bytes(s.block_write) }}
        </span>
      }
    </div>
    @if (samples().length === 0) {
      <p class="stats-chart__empty">{{ emptyText() }}</p>
    } @else {
      <div class="stats-chart__titles" aria-hidden="true">
        <span>CPU %</span><span>Memory</span>
      </div>
      <div class="stats-chart__plot">
        <div class="stats-chart__axis" data-testid="stats-axis-cpu" aria-hidden="true">
          @for (t of cpuTicks(); track $index) {
            <span class="stats-chart__tick">{{ t }}</span>
          }
        </div>
        <svg
          class="stats-chart__svg"
          [attr.viewBox]="'0 0 ' + width + ' ' + height"
          preserveAspectRatio="none"
          role="img"
          [attr.aria-label]="'CPU ' + cpuText() + ', memory ' + memText()"
        >
          @for (g of grid; track g.y) {
            <line
              class="stats-chart__grid"
              x1="0"
              [attr.x2]="width"
              [attr.y1]="g.y"
              [attr.y2]="g.y"
            />
          }
          <polyline class="stats-chart__line stats-chart__line--mem" [attr.points]="memPoints()" />
          <polyline class="stats-chart__line stats-chart__line--cpu" [attr.points]="cpuPoints()" />
        </svg>
        <div
          class="stats-chart__axis stats-chart__axis--mem"
          data-testid="stats-axis-mem"
          aria-hidden="true"
        >
          @for (t of memTicks(); track $index) {
            <span class="stats-chart__tick">{{ t }}</span>
          }
        </div>
      </div>
      <div class="stats-chart__time" data-testid="stats-axis-time" aria-hidden="true">
        <span>{{ seconds() > 0 ? '−' + seconds() + ' s' : '' }}</span>
        <span>time</span>
        <span>now</span>
      </div>
    }
  `,
})
export class StatsChartComponent {
  readonly samples = input.required<readonly StatsSample[]>();
  readonly emptyText = input('Waiting for samples…');

  protected readonly width = WIDTH;
  protected readonly height = HEIGHT;
  protected readonly latest = computed(() => this.samples()[this.samples().length - 1] ?? null);
  private readonly cpuTop = computed(() => {
    let max = 0;
    for (const s of this.samples()) max = Math.max(max, s.cpu_percent);
    return Math.max(10, niceMax(max));
  });
  private readonly memTop = computed(() => {
    const last = this.latest();
    return memoryAxisTop(
      this.samples().map((s) => s.memory_usage),
      last?.memory_limit ?? 0,
      last?.memory_limited === true,
    );
  });
  protected readonly cpuTicks = computed(() => axisTicks(this.cpuTop(), TICKS).map((v) => `${v}%`));
  protected readonly memTicks = computed(() =>
    axisTicks(this.memTop(), TICKS).map((v) => formatBytes(v)),
  );
  protected readonly cpuPoints = computed(() =>
    polylinePoints(
      this.samples().map((s) => s.cpu_percent),
      WIDTH,
      HEIGHT,
      this.cpuTop(),
    ),
  );
  protected readonly memPoints = computed(() =>
    polylinePoints(
      this.samples().map((s) => s.memory_usage),
      WIDTH,
      HEIGHT,
      this.memTop(),
    ),
  );
  /** Grid lines at the inner ticks of both axes. */
  protected readonly grid = Array.from({ length: TICKS - 1 }, (_, i) => ({
    y: (HEIGHT * (i + 1)) / TICKS,
  }));
  protected readonly cpuText = computed(() => formatPercent(this.latest()?.cpu_percent));
  protected readonly memText = computed(() => {
    const s = this.latest();
    return s ? memoryText(s) : '–';
  });
  protected readonly seconds = computed(() => {
    const list = this.samples();
    const first = list[0];
    const last = list[list.length - 1];
    if (!first || !last) return 0;
    return Math.max(0, Math.round((Date.parse(last.read) - Date.parse(first.read)) / 1000));
  });

  protected bytes(n: number): string {
    return formatBytes(n);
  }
}
