import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ContainerState, HealthState } from '@flotilla/contracts/core';
import type { ExitKind } from './format';

const EXIT_WORD: Record<ExitKind, string> = {
  clean: 'exited',
  crash: 'crashed',
  oom: 'out of memory',
};

/**
 * A container's state as a coloured word. A crash (non-zero exit, dead, killed for lack of
 * memory) differs from a clean stop by its word and its icon as well as its colour, so it reads
 * without colour too.
 */
@Component({
  selector: 'flo-state-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '[class]': '"state-badge state-badge--" + state()',
    '[class.state-badge--crash]': 'crashed()',
    '[class.state-badge--stale]': 'stale()',
    '[attr.data-state]': 'state()',
    '[attr.data-exit]': 'exit()',
    '[attr.title]': 'title()',
    'data-testid': 'state-badge',
  },
  template: `
    @if (crashed()) {
      <span class="state-badge__icon" aria-hidden="true">✕</span>
    } @else {
      <span class="state-badge__dot" aria-hidden="true"></span>
    }
    <span class="state-badge__text">{{ word() }}</span>
    @if (health() === 'unhealthy' || health() === 'starting') {
      <span class="state-badge__health">· {{ health() }}</span>
    }
  `,
})
export class StateBadgeComponent {
  readonly state = input.required<ContainerState>();
  readonly health = input<HealthState>('none');
  /** How it ended, when it is not running (see `exitKind`). */
  readonly exit = input<ExitKind | null>(null);
  readonly exitCode = input<number | null>(null);
  /** The host is offline: this is the last known state. */
  readonly stale = input(false);

  protected readonly crashed = computed(() => this.exit() === 'crash' || this.exit() === 'oom');
  protected readonly word = computed(() => {
    const exit = this.exit();
    return this.state() === 'exited' && exit ? EXIT_WORD[exit] : this.state();
  });
  protected readonly title = computed(() => {
    if (this.stale()) return 'Last known state (host offline)';
    const code = this.exitCode();
    switch (this.exit()) {
      case 'oom':
        return `Killed by Docker for lack of memory (exit code ${code ?? '?'})`;
      case 'crash':
        return code === null ? 'Ended abnormally' : `Exited with code ${code}`;
      case 'clean':
        return 'Stopped cleanly (exit code 0)';
      default:
        return null;
    }
  });
}
