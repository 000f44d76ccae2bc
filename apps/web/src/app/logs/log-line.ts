import type { LogGap } from '@flotilla/contracts/core';
import { stripAnsi } from './ansi';
import { type LogLevel, detectLevel, parseJsonRecord } from './log-level';

/** One row of log as the dashboard keeps it. */
export interface LogLine {
  /**
   * Unique in the tab and increasing in the order lines are held (stable order, virtual-scroll
   * tracking): arrivals count up from 1, earlier pages loaded later count down below 0.
   */
  uid: number;
  /** The stream it came from (`host/container`). */
  source: string;
  kind: 'line' | 'gap';
  /** The container's line number (from the stream entry ids); null when unknown. */
  lineNo: number | null;
  /** Docker's timestamp as sent (RFC 3339, nanoseconds); null when the line had none. */
  timestamp: string | null;
  /** Orders lines of different containers: the timestamp with nanoseconds padded to 9 digits. */
  sortKey: string;
  /** The text after the timestamp, ANSI codes included. */
  text: string;
  /** The text as read: no ANSI codes or control characters (filter, level, download). */
  plain: string;
  stderr: boolean;
  level: LogLevel | null;
  /** The text is a JSON object (can be pretty-printed). */
  json: boolean;
}

let lastUid = 0;

export function nextUid(): number {
  return ++lastUid;
}

let lowestUid = 0;

/**
 * Gives lines put before every line held (an earlier page) uids below every uid given so far,
 * increasing within the page: order by uid stays the order the lines are held in.
 */
export function earlierUids(lines: LogLine[]): LogLine[] {
  lowestUid -= lines.length;
  lines.forEach((line, i) => (line.uid = lowestUid + i));
  return lines;
}

const DOCKER_TS = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) ?/;

/** Splits Docker's `<timestamp> <text>` line; a line without one keeps all its text. */
export function splitTimestamp(raw: string): { timestamp: string | null; text: string } {
  const m = DOCKER_TS.exec(raw);
  if (!m?.[1]) return { timestamp: null, text: raw };
  return { timestamp: m[1], text: raw.slice(m[0].length) };
}

/**
 * A key that sorts like the time: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn` in UTC. Docker trims trailing
 * zeros of the nanoseconds, so the raw strings do not compare correctly as text.
 */
export function timestampSortKey(timestamp: string): string {
  let ts = timestamp;
  if (!ts.endsWith('Z')) {
    const ms = Date.parse(ts);
    if (Number.isNaN(ms)) return ts;
    const frac = /\.(\d+)/.exec(ts)?.[1] ?? '';
    ts = `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
  }
  const dot = ts.indexOf('.', 19);
  const seconds = ts.slice(0, 19);
  const frac = dot === -1 ? '' : ts.slice(dot + 1, ts.length - 1);
  return `${seconds}.${frac.padEnd(9, '0')}`;
}

/** Where a line without a timestamp of its own sorts when nothing came before it. */
export function nowSortKey(): string {
  return timestampSortKey(new Date().toISOString());
}

/** A line that continues the previous one (stack traces): it inherits that line's level. */
const CONTINUATION = /^(?:\s|Caused by:|\.\.\. \d+ more)/;

export interface RawLine {
  raw: string;
  stderr: boolean;
  lineNo: number | null;
}

/** Turns raw lines of one source into `LogLine`s; `previous` is that source's last line. */
export function toLogLines(
  source: string,
  raws: readonly RawLine[],
  previous: LogLine | undefined,
): LogLine[] {
  const out: LogLine[] = [];
  let prev = previous;
  for (const r of raws) {
    const { timestamp, text } = splitTimestamp(r.raw);
    const plain = stripAnsi(text);
    const record = parseJsonRecord(plain);
    let level = detectLevel(plain, record);
    if (level === null && prev?.kind === 'line' && CONTINUATION.test(plain)) level = prev.level;
    const line: LogLine = {
      uid: nextUid(),
      source,
      kind: 'line',
      lineNo: r.lineNo,
      timestamp,
      sortKey: timestamp ? timestampSortKey(timestamp) : (prev?.sortKey ?? nowSortKey()),
      text,
      plain,
      stderr: r.stderr,
      level,
      json: record !== null,
    };
    out.push(line);
    prev = line;
  }
  return out;
}

const GAP_REASONS: Record<string, string> = {
  retention: 'no longer retained',
  dropped: 'dropped by the gateway (refetching)',
  reset: 'lost: the log store was reset',
  client: 'missing from what arrived',
  skipped: 'skipped: the view went on from the live edge',
};

export function describeGap(lost: number | null, reason: LogGap['reason'] | 'client'): string {
  const count = lost === null ? 'An unknown number of' : lost.toLocaleString('en-US');
  const noun = lost === 1 ? 'line' : 'lines';
  return `${count} ${noun} ${GAP_REASONS[reason] ?? reason}`;
}

/** A visible marker where lines are missing. */
export function gapLine(source: string, message: string, previous: LogLine | undefined): LogLine {
  const plain = stripAnsi(message.trim());
  return {
    uid: nextUid(),
    source,
    kind: 'gap',
    lineNo: null,
    timestamp: null,
    sortKey: previous?.sortKey ?? nowSortKey(),
    text: plain,
    plain,
    stderr: false,
    level: null,
    json: false,
  };
}
