import type { LogLine } from './log-line';

/** Orders lines by their Docker timestamp; equal times keep arrival order. */
export function compareLines(a: LogLine, b: LogLine): number {
  if (a.sortKey < b.sortKey) return -1;
  if (a.sortKey > b.sortKey) return 1;
  return a.uid - b.uid;
}

/**
 * Merges lists that are each in order (one container's lines) into one list ordered by time:
 * the same merge the rebuild walks, run to the end and turned round, so a line never moves
 * relative to the lines of its own container and a sync orders lines as a rebuild would.
 */
export function mergeByTime(lists: readonly (readonly LogLine[])[]): LogLine[] {
  const newest = new NewestFirst(lists, null);
  const out: LogLine[] = [];
  for (let line = newest.next(); line !== null; line = newest.next()) out.push(line);
  return out.reverse();
}

/**
 * Inserts lines into `target`, which is ordered by time, each after every row that is not
 * newer (binary search: a container whose lines arrive late still lands in its place).
 * `lineOf` maps a row to its line, `rowsOf` a line to its rows. Returns the rows inserted.
 */
export function insertByTime<R>(
  target: R[],
  lines: readonly LogLine[],
  lineOf: (row: R) => LogLine,
  rowsOf: (line: LogLine) => R[],
): number {
  let inserted = 0;
  for (const line of lines) {
    const rows = rowsOf(line);
    if (rows.length === 0) continue;
    const last = target[target.length - 1];
    if (last === undefined || compareLines(lineOf(last), line) <= 0) {
      for (const row of rows) target.push(row);
    } else {
      let lo = 0;
      let hi = target.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const row = target[mid];
        if (row !== undefined && compareLines(lineOf(row), line) <= 0) lo = mid + 1;
        else hi = mid;
      }
      target.splice(lo, 0, ...rows);
    }
    inserted += rows.length;
  }
  return inserted;
}

/**
 * The lines of several lists (each oldest first) that pass a test, newest first: each list is
 * walked back on its own (every line tested once), and a max-heap of the lists' heads picks the
 * newest, so merging k lists costs log k per line shown, not k per line kept.
 */
export class NewestFirst {
  private readonly heads: number[];
  /** Indices of lists with a passing head, as a binary max-heap by that head. */
  private readonly heap: number[] = [];

  constructor(
    private readonly lists: readonly (readonly LogLine[])[],
    private readonly test: ((line: LogLine) => boolean) | null,
  ) {
    this.heads = lists.map((l) => l.length);
    lists.forEach((_, i) => {
      if (this.advance(i)) this.push(i);
    });
  }

  next(): LogLine | null {
    const top = this.heap[0];
    if (top === undefined) return null;
    const line = this.head(top);
    if (this.advance(top)) this.siftDown(0);
    else {
      const last = this.heap.pop();
      if (last !== undefined && this.heap.length > 0) {
        this.heap[0] = last;
        this.siftDown(0);
      }
    }
    return line;
  }

  private head(i: number): LogLine {
    return this.lists[i]?.[this.heads[i] ?? 0];
  }

  /** Moves list `i` back to its previous passing line; false when it has none left. */
  private advance(i: number): boolean {
    const list = this.lists[i] ?? [];
    let at = (this.heads[i] ?? 0) - 1;
    while (at >= 0 && this.test !== null && !this.test(list[at])) at--;
    this.heads[i] = at;
    return at >= 0;
  }

  private newer(a: number, b: number): boolean {
    return compareLines(this.head(a), this.head(b)) > 0;
  }

  private push(i: number): void {
    const heap = this.heap;
    heap.push(i);
    let at = heap.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.newer(heap[at] ?? 0, heap[parent] ?? 0)) break;
      [heap[at], heap[parent]] = [heap[parent] ?? 0, heap[at] ?? 0];
      at = parent;
    }
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    let at = start;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let top = at;
      if (left < heap.length && this.newer(heap[left] ?? 0, heap[top] ?? 0)) top = left;
      if (right < heap.length && this.newer(heap[right] ?? 0, heap[top] ?? 0)) top = right;
      if (top === at) return;
      [heap[at], heap[top]] = [heap[top] ?? 0, heap[at] ?? 0];
      at = top;
    }
  }
}
