import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { humanDuration, type CrashLoopState } from '@flotilla/contracts/core';

/**
 * "crash loop": a container that keeps dying (or, on a stack header, how many of its containers
 * do). A word and an icon as well as a colour, so it reads without colour too.
 */
@Component({
  selector: 'flo-crash-loop-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    class: 'crash-loop-badge',
    'data-testid': 'crash-loop-badge',
    '[attr.title]': 'title()',
  },
  template: `<span class="crash-loop-badge__icon" aria-hidden="true">↻</span
    ><span class="crash-loop-badge__text">{{ text() }}</span>`,
})
export class CrashLoopBadgeComponent {
  /** A container's loop: its exits within the window. */
  readonly loop = input<CrashLoopState | null>(null);
  /** A stack's header: how many of its containers loop. */
  readonly containers = input<number | null>(null);

  protected readonly text = computed(() => {
    const n = this.containers();
    return n === null || n === 1 ? 'crash loop' : `${n} crash loops`;
  });
  protected readonly title = computed(() => {
    const loop = this.loop();
    const n = this.containers();
    if (loop) {
      const window = humanDuration(loop.window_ms).toLowerCase();
      return `Crash loop: ${loop.exits_in_window} exits in the last ${window} (${loop.threshold} make a loop)`;
    }
    return n === 1
      ? 'A container of this stack keeps crashing'
      : `${n} containers of this stack keep crashing`;
  });
}
