import type { CrashLoopState } from '@flotilla/contracts';

export interface CrashLoopRule {
  exits: number;
  windowMs: number;
}

/**
 * Whether exits recorded at `times` (epoch ms on the bus clock: their stream ids) make a crash
 * loop at `now`: at least `rule.exits` of them within the last `rule.windowMs`. It clears by
 * itself once the container stops dying, as its exits age out of the window.
 */
export function crashLoopState(
  times: readonly number[],
  now: number,
  rule: CrashLoopRule,
): CrashLoopState {
  const since = now - rule.windowMs;
  const inWindow = times.filter((t) => t > since && t <= now).length;
  return {
    looping: inWindow >= rule.exits,
    exits_in_window: inWindow,
    threshold: rule.exits,
    window_ms: rule.windowMs,
  };
}
