/**
 * Collects items and hands them over in one call at most every `intervalMs`: the first item
 * after a flush arms a timer, later items ride along. A flood of socket events therefore costs
 * one render per interval, never one per event (the original design's ~10 ms log buffer).
 */
export class Batcher<T> {
  private pending: T[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly sink: (items: T[]) => void,
    private readonly intervalMs: number,
  ) {}

  get size(): number {
    return this.pending.length;
  }

  push(item: T): void {
    this.pending.push(item);
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Hands over everything pending now (also used before a resync, so nothing is reordered). */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    this.sink(items);
  }

  /** Drops what is pending and stops the timer. */
  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }
}
