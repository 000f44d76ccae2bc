import type { LogLine } from './log-line';
import { NewestFirst, insertByTime, mergeByTime } from './log-merge';
import type { LogSource } from './log-stream';

/**
 * One row of the virtual list (rows have one fixed height): a line, one line of a line's
 * pretty-printed JSON, or, when wrapping, one slice of either.
 */
export interface LogRow {
  /** Unique per row, for tracking. */
  id: number;
  line: LogLine;
  /** 0 for the line itself, 1.. for the lines of its expanded JSON. */
  part: number;
  /** The pretty-printed text of this part (part > 0). */
  text: string | null;
  /** 0 for the first row of the part, 1.. for the rows its text wraps onto. */
  chunk: number;
  /** The characters of the part's text this row shows; null for all of them. */
  from: number | null;
  to: number | null;
}

/** Most rows one expanded JSON line may take. */
const MAX_JSON_ROWS = 500;
/** Most rows one wrapped part may take: a huge line must not flood the list. */
const MAX_WRAP_ROWS = 1000;
/** Row ids: `uid * ROW_SLOTS + n`, n counting every row of a line. */
const ROW_SLOTS = 1 << 20;

/** A JSON line pretty-printed, one string per row; null when it is not JSON after all. */
export function prettyJson(plain: string): string[] | null {
  try {
    const lines = JSON.stringify(JSON.parse(plain), null, 2).split('\n');
    if (lines.length <= MAX_JSON_ROWS) return lines;
    return [
      ...lines.slice(0, MAX_JSON_ROWS - 1),
      `… ${lines.length - MAX_JSON_ROWS + 1} more lines`,
    ];
  } catch {
    return null;
  }
}

/** The `[from, to)` character ranges `length` characters take at `columns` per row. */
export function wrapRanges(length: number, columns: number): [number, number][] {
  if (columns <= 0 || length <= columns) return [[0, length]];
  const ranges: [number, number][] = [];
  for (let from = 0; from < length && ranges.length < MAX_WRAP_ROWS; from += columns) {
    ranges.push([from, Math.min(length, from + columns)]);
  }
  const last = ranges[ranges.length - 1];
  // Past the cap the last row runs on (it scrolls sideways) rather than hiding text.
  if (last) last[1] = length;
  return ranges;
}

/**
 * What a log viewer shows of one or more streams: filtered, merged by time when there are
 * several, with expanded JSON lines and wrapped rows. Kept incrementally: `sync` takes only
 * lines appended since the last call, so a busy stream costs work proportional to what
 * arrived, not to what is kept.
 */
export class LogViewState {
  rows: LogRow[] = [];
  /** Lines among the rows (a line expanded or wrapped onto several rows counts once). */
  lineCount = 0;
  /** A JSON line was shown since the last rebuild. */
  hasJson = false;
  private readonly seen = new Map<string, number>();
  /** Lines whose JSON is expanded, or, in expand-all mode, collapsed. */
  private readonly toggled = new Set<number>();
  private expandAllMode = false;
  /** Characters per row when wrapping; 0 does not wrap. */
  private columns = 0;
  private readonly byKey: ReadonlyMap<string, LogSource>;
  private test: ((line: LogLine) => boolean) | null = null;

  constructor(
    private readonly sources: readonly LogSource[],
    private readonly capacity: number,
  ) {
    this.byKey = new Map(sources.map((s) => [s.key, s]));
    this.rebuild();
  }

  get merged(): boolean {
    return this.sources.length > 1;
  }

  setFilter(test: ((line: LogLine) => boolean) | null): void {
    this.test = test;
    this.rebuild();
  }

  /** Wraps rows at `columns` characters (0: no wrapping); true when the rows changed. */
  setWrap(columns: number): boolean {
    const next = Math.max(0, Math.floor(columns));
    if (next === this.columns) return false;
    this.columns = next;
    this.rebuild();
    return true;
  }

  /** Some JSON line is shown expanded (or every one is, in expand-all mode). */
  get anyExpanded(): boolean {
    return this.expandAllMode || this.toggled.size > 0;
  }

  get allExpanded(): boolean {
    return this.expandAllMode && this.toggled.size === 0;
  }

  isExpanded(uid: number): boolean {
    return this.expandAllMode !== this.toggled.has(uid);
  }

  toggleExpanded(line: LogLine): void {
    if (!line.json) return;
    if (this.toggled.has(line.uid)) this.toggled.delete(line.uid);
    else this.toggled.add(line.uid);
    this.rebuild();
  }

  /** Every JSON line expanded, including those still to arrive. */
  expandAll(): void {
    this.expandAllMode = true;
    this.toggled.clear();
    this.rebuild();
  }

  collapseAll(): void {
    if (!this.anyExpanded) return;
    this.expandAllMode = false;
    this.toggled.clear();
    this.rebuild();
  }

  /**
   * Recomputes every row from the sources (filter, expansion or wrapping changed). Walks back
   * from the newest line and stops at capacity: the cost is bounded by what is shown, however
   * much the sources hold.
   */
  rebuild(): void {
    const lists = this.sources.map((s) => {
      this.seen.set(s.key, s.appended);
      return s.ring.toArray();
    });
    this.hasJson = false;
    const newest = new NewestFirst(lists, this.test);
    // Rows newest first, each line's rows reversed; turned round once at the end.
    const reversed: LogRow[] = [];
    let lines = 0;
    while (reversed.length < this.capacity) {
      const line = newest.next();
      if (line === null) break;
      const rows = this.rowsOf(line);
      for (let r = rows.length - 1; r >= 0; r--) reversed.push(rows[r]);
      lines++;
    }
    this.rows = reversed.reverse();
    this.lineCount = lines;
    if (this.rows.length > this.capacity) this.drop(this.rows.length - this.capacity);
  }

  /** Takes what the sources appended since the last call; says how the rows changed. */
  sync(): { added: number; trimmed: number } {
    const fresh: LogLine[][] = [];
    for (const source of this.sources) {
      const newCount = source.appended - (this.seen.get(source.key) ?? 0);
      this.seen.set(source.key, source.appended);
      if (newCount <= 0) continue;
      const take = Math.min(newCount, source.ring.length);
      fresh.push(source.ring.slice(source.ring.length - take));
    }
    if (fresh.length === 0) return { added: 0, trimmed: 0 };
    const before = this.rows.length;
    const passing = (fresh.length === 1 ? (fresh[0] ?? []) : mergeByTime(fresh)).filter(
      (line) => this.test === null || this.test(line),
    );
    if (!this.merged) {
      for (const line of passing) for (const row of this.rowsOf(line)) this.rows.push(row);
    } else {
      insertByTime(
        this.rows,
        passing,
        (row) => row.line,
        (line) => this.rowsOf(line),
      );
    }
    this.lineCount += passing.length;
    const added = this.rows.length - before;
    const trimmed = this.trim();
    return { added, trimmed };
  }

  /** The text of what is shown, one line per line or JSON part (for a download). */
  toText(options: { timestamps: boolean; label?: (line: LogLine) => string }): string {
    let out = '';
    for (const row of this.rows) {
      if (row.chunk > 0) continue;
      const line = row.line;
      if (row.part > 0) {
        out += `${row.text ?? ''}\n`;
        continue;
      }
      const parts: string[] = [];
      if (options.timestamps && line.timestamp) parts.push(line.timestamp);
      if (options.label) parts.push(`[${options.label(line)}]`);
      parts.push(line.kind === 'gap' ? `--- ${line.plain} ---` : line.plain);
      out += `${parts.join(' ')}\n`;
    }
    return out;
  }

  /** Drops rows whose line left its stream's buffer, and rows beyond capacity; returns how many. */
  private trim(): number {
    let drop = 0;
    while (drop < this.rows.length) {
      const row = this.rows[drop];
      const first = row ? this.byKey.get(row.line.source)?.ring.first() : undefined;
      if (row && first && row.line.uid < first.uid) drop++;
      else break;
    }
    drop = Math.max(drop, this.rows.length - this.capacity);
    if (drop > 0) this.drop(drop);
    return drop;
  }

  private drop(n: number): void {
    for (let i = 0; i < n; i++) {
      const row = this.rows[i];
      if (row && row.part === 0 && row.chunk === 0) this.lineCount--;
    }
    this.rows.splice(0, n);
  }

  private rowsOf(line: LogLine): LogRow[] {
    if (line.json) this.hasJson = true;
    const base = line.uid * ROW_SLOTS;
    const expanded = line.json && this.isExpanded(line.uid);
    if (!expanded && (this.columns === 0 || line.plain.length <= this.columns)) {
      // Most lines: one row.
      return [{ id: base, line, part: 0, text: null, chunk: 0, from: null, to: null }];
    }
    const rows: LogRow[] = [];
    const add = (part: number, text: string | null, length: number): void => {
      const ranges = this.columns > 0 ? wrapRanges(length, this.columns) : [null];
      ranges.forEach((range, chunk) =>
        rows.push({
          id: base + rows.length,
          line,
          part,
          text,
          chunk,
          from: range ? range[0] : null,
          to: range ? range[1] : null,
        }),
      );
    };
    add(0, null, line.plain.length);
    if (expanded) {
      (prettyJson(line.plain) ?? []).forEach((text, i) => add(i + 1, text, text.length));
    }
    return rows;
  }
}
