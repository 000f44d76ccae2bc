import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { ContainerState, HealthState } from '@flotilla/contracts/core';

@Component({
  selector: 'flo-state-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '[class]': '"state-badge state-badge--" + state()',
    '[class.state-badge--stale]': 'stale()',
    '[attr.data-state]': 'state()',
    '[attr.title]': 'stale() ? "Last known state (host offline)" : null',
    'data-testid': 'state-badge',
  },
  template: `
    <span class="state-badge__dot" aria-hidden="true"></span>
    <span class="state-badge__text">{{ state() }}</span>
    @if (health() === 'unhealthy' || health() === 'starting') {
      <span class="state-badge__health">· {{ health() }}</span>
    }
  `,
})
export class StateBadgeComponent {
  readonly state = input.required<ContainerState>();
  readonly health = input<HealthState>('none');
  /** The host is offline: this is the last known state. */
  readonly stale = input(false);
}
