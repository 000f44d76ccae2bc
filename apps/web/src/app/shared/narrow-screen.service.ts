import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { WINDOW } from '../core/browser/browser.tokens';

/** Phone widths: rows fold their actions into one menu. */
export const NARROW_SCREEN_QUERY = '(max-width: 600px)';

/** Whether the viewport is phone-narrow, as one signal for every row (one media listener). */
@Injectable({ providedIn: 'root' })
export class NarrowScreenService {
  private readonly narrowSignal = signal(false);
  readonly narrow = this.narrowSignal.asReadonly();

  constructor() {
    const win = inject(WINDOW);
    if (typeof win.matchMedia !== 'function') return;
    const query = win.matchMedia(NARROW_SCREEN_QUERY);
    this.narrowSignal.set(query.matches);
    const listener = (event: MediaQueryListEvent): void => this.narrowSignal.set(event.matches);
    query.addEventListener('change', listener);
    inject(DestroyRef).onDestroy(() => query.removeEventListener('change', listener));
  }
}
