import type { LogLine } from './log-line';

/** Orders lines by their Docker timestamp; equal times keep arrival order. */
export function compareLines(a: LogLine, b: LogLine): number {
  if (a.sortKey < b.sortKey) return -1;
  if (a.sortKey > b.sortKey) return 1;
  return a.uid - b.uid;
}

/**
 * Merges lists that are each in order (one container's lines) into one list ordered by time:
 * a k-way merge, so a line never moves relative to the lines of its own container.
 */
export function mergeByTime(lists: readonly (readonly LogLine[])[]): LogLine[] {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return [];
  if (nonEmpty.length === 1) return [...(nonEmpty[0] ?? [])];
  const total = nonEmpty.reduce((n, l) => n + l.length, 0);
  const out = new Array<LogLine>(total);
  const heads = nonEmpty.map(() => 0);
  for (let k = 0; k < total; k++) {
    let best = -1;
    let bestLine: LogLine | undefined;
    for (let i = 0; i < nonEmpty.length; i++) {
      const line = nonEmpty[i]?.[heads[i] ?? 0];
      if (line === undefined) continue;
      if (bestLine === undefined || compareLines(line, bestLine) < 0) {
        best = i;
        bestLine = line;
      }
    }
    if (bestLine === undefined) break;
    out[k] = bestLine;
    heads[best] = (heads[best] ?? 0) + 1;
  }
  return out;
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
