/** Exponential backoff (250 ms → 5 s by default) with a little jitter; `reset()` after success. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly minMs = 250,
    private readonly maxMs = 5_000,
  ) {}

  /** The delay before the next attempt, growing with each call. */
  next(): number {
    const base = Math.min(this.maxMs, this.minMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  reset(): void {
    this.attempt = 0;
  }
}

/**
 * A sleep that `wake()` ends early; a wake while not sleeping makes the next sleep return at
 * once (so a wake is never lost). Used by loops that must react promptly or stop.
 */
export class Sleeper {
  private wakeUp: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pending = false;

  sleep(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.wakeUp = resolve;
      this.timer = setTimeout(() => this.fire(), ms);
    });
  }

  wake(): void {
    if (this.wakeUp) this.fire();
    else this.pending = true;
  }

  private fire(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const resolve = this.wakeUp;
    this.wakeUp = null;
    resolve?.();
  }
}
