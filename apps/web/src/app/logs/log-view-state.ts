import type { LogLine } from './log-line';
import { insertByTime, mergeByTime } from './log-merge';
import type { LogSource } from './log-stream';

/** One row of the virtual list: a line, or one line of a line's pretty-printed JSON. */
export interface LogRow {
  /** Unique per row, for tracking. */
  id: number;
  line: LogLine;
  /** 0 for the line itself, 1.. for the lines of its expanded JSON. */
  part: number;
  /** The pretty-printed text of this part (part > 0). */
  text: string | null;
}

/** Most rows one expanded JSON line may take. */
const MAX_JSON_ROWS = 500;
const PART_SLOTS = 1024;

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

/**
 * What a log viewer shows of one or more streams: filtered, merged by time when there are
 * several, with expanded JSON lines. Kept incrementally: `sync` takes only lines appended since
 * the last call, so a busy stream costs work proportional to what arrived, not to what is kept.
 */
export class LogViewState {
  rows: LogRow[] = [];
  private readonly seen = new Map<string, number>();
  private readonly expanded = new Set<number>();
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

  get expandedCount(): number {
    return this.expanded.size;
  }

  isExpanded(uid: number): boolean {
    return this.expanded.has(uid);
  }

  toggleExpanded(line: LogLine): void {
    if (!line.json) return;
    if (this.expanded.has(line.uid)) this.expanded.delete(line.uid);
    else this.expanded.add(line.uid);
    this.rebuild();
  }

  collapseAll(): void {
    if (this.expanded.size === 0) return;
    this.expanded.clear();
    this.rebuild();
  }

  /** Recomputes every row from the sources (filter or expansion changed). */
  rebuild(): void {
    const lists = this.sources.map((s) => {
      this.seen.set(s.key, s.appended);
      return s.ring.toArray();
    });
    const lines = lists.length === 1 ? (lists[0] ?? []) : mergeByTime(lists);
    const rows: LogRow[] = [];
    for (const line of lines) {
      if (this.test === null || this.test(line)) this.pushRows(rows, line);
    }
    this.rows = rows.length > this.capacity ? rows.slice(rows.length - this.capacity) : rows;
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
    if (!this.merged) {
      for (const line of fresh[0] ?? []) {
        if (this.test === null || this.test(line)) this.pushRows(this.rows, line);
      }
    } else {
      const passing = mergeByTime(fresh).filter((line) => this.test === null || this.test(line));
      insertByTime(
        this.rows,
        passing,
        (row) => row.line,
        (line) => this.pushRows([], line),
      );
    }
    const added = this.rows.length - before;
    const trimmed = this.trim();
    return { added, trimmed };
  }

  /** The text of what is shown, one line per row (for a download). */
  toText(options: { timestamps: boolean; label?: (line: LogLine) => string }): string {
    let out = '';
    for (const row of this.rows) {
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
    if (drop > 0) this.rows.splice(0, drop);
    return drop;
  }

  private pushRows(target: LogRow[], line: LogLine): LogRow[] {
    target.push({ id: line.uid * PART_SLOTS, line, part: 0, text: null });
    if (line.json && this.expanded.has(line.uid)) {
      const pretty = prettyJson(line.plain) ?? [];
      pretty.forEach((text, i) =>
        target.push({ id: line.uid * PART_SLOTS + i + 1, line, part: i + 1, text }),
      );
    }
    return target;
  }
}
