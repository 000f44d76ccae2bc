import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { StatsSample } from '@flotilla/contracts/core';
import { formatBytes, formatPercent } from '../shared/format';
import { niceMax, polylinePoints } from './chart-geometry';

const WIDTH = 600;
const HEIGHT = 160;

/** The container view's live chart: CPU % and memory % over the last samples, in plain SVG. */
@Component({
  selector: 'flo-stats-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'stats-chart', 'data-testid': 'stats-chart' },
  template: `
    <div class="stats-chart__legend">
      <span class="stats-chart__key stats-chart__key--cpu">CPU {{ cpuText() }}</span>
      <span class="stats-chart__key stats-chart__key--mem">Memory {{ memText() }}</span>
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
      <svg
        class="stats-chart__svg"
        [attr.viewBox]="'0 0 ' + width + ' ' + height"
        preserveAspectRatio="none"
        role="img"
        [attr.aria-label]="'CPU ' + cpuText() + ', memory ' + memText()"
      >
        @for (g of grid(); track g.y) {
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
      <div class="stats-chart__scale">
        <span>{{ scaleTop() }}% </span><span>{{ seconds() }} s</span>
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
  protected readonly scaleTop = computed(() => {
    let max = 0;
    for (const s of this.samples()) max = Math.max(max, s.cpu_percent, s.memory_percent);
    return Math.max(10, niceMax(max));
  });
  protected readonly cpuPoints = computed(() =>
    polylinePoints(
      this.samples().map((s) => s.cpu_percent),
      WIDTH,
      HEIGHT,
      this.scaleTop(),
    ),
  );
  protected readonly memPoints = computed(() =>
    polylinePoints(
      this.samples().map((s) => s.memory_percent),
      WIDTH,
      HEIGHT,
      this.scaleTop(),
    ),
  );
  protected readonly grid = computed(() => [0.25, 0.5, 0.75].map((f) => ({ y: HEIGHT * f })));
  protected readonly cpuText = computed(() => formatPercent(this.latest()?.cpu_percent));
  protected readonly memText = computed(() => {
    const s = this.latest();
    return s
      ? `${formatBytes(s.memory_usage)} / ${formatBytes(s.memory_limit)} (${formatPercent(s.memory_percent)})`
      : '–';
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
