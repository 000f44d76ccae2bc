import { DestroyRef, Injectable, inject, signal } from '@angular/core';

/** How often ageing texts ("Up 3 seconds") are rewritten: their finest unit is a second. */
export const CLOCK_TICK_MS = 1_000;

/**
 * The page's one ticking clock: a signal of the current time, updated every second by a single
 * timer that every ageing text reads, so a fleet of a thousand rows costs one timer, not a
 * thousand.
 */
@Injectable({ providedIn: 'root' })
export class ClockService {
  private readonly nowSignal = signal(Date.now());
  /** Epoch ms, at most a tick old. */
  readonly now = this.nowSignal.asReadonly();

  constructor() {
    const timer = setInterval(() => this.nowSignal.set(Date.now()), CLOCK_TICK_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }
}
