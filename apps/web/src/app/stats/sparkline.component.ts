import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { formatClock } from '../shared/format';
import { polylinePoints } from './chart-geometry';

const WIDTH = 48;
const HEIGHT = 18;
const INSET = 2;

/**
 * A tiny trend line with the latest value beside it. While the fleet is stale (`staleAt`, from
 * the connection's loss until the fresh fleet arrives) no sample is current: the figure is marked
 * stale, with the time it was last true.
 */
@Component({
  selector: 'flo-sparkline',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    class: 'sparkline',
    '[class.sparkline--stale]': 'staleAt() !== null',
    '[attr.data-stale]': 'staleAt() !== null ? true : null',
    '[attr.title]': 'title()',
  },
  template: `
    <svg
      [attr.viewBox]="'0 0 ' + width + ' ' + height"
      [attr.width]="width"
      [attr.height]="height"
      aria-hidden="true"
      focusable="false"
    >
      <rect class="sparkline__track" x="0" y="0" [attr.width]="width" [attr.height]="height" />
      <polyline class="sparkline__line sparkline__line--{{ kind() }}" [attr.points]="points()" />
    </svg>
    <span class="sparkline__value">{{ text() }}</span>
  `,
})
export class SparklineComponent {
  readonly values = input.required<readonly number[]>();
  /** Top of the scale (100 for percentages). */
  readonly max = input(100);
  readonly kind = input<'cpu' | 'mem'>('cpu');
  readonly label = input('');
  readonly text = input('');
  /** A longer description for the tooltip (defaults to label: text). */
  readonly detail = input('');

  /** Since when the figure is no longer live (`FleetStore.staleSince`); null while it is. */
  readonly staleAt = input<Date | null>(null);
  protected readonly title = computed(() => {
    const staleAt = this.staleAt();
    const stale = staleAt ? formatClock(staleAt) : null;
    const base = this.detail() || `${this.label()}: ${this.text()}`;
    return `${base}${stale ? ` (as of ${stale}, not live)` : ''}`;
  });

  protected readonly width = WIDTH;
  protected readonly height = HEIGHT;
  /** Drawn 2 px inside the track, so a line at 0 or at the top is not lost on its edge. */
  protected readonly points = computed(() =>
    polylinePoints(this.values(), WIDTH, HEIGHT, Math.max(this.max(), ...this.values()), INSET),
  );
}
