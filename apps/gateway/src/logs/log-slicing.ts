import {
  dockerTime,
  type LogEntryRef,
  type LogGap,
  type LogUpdatePayload,
} from '@flotilla/contracts';
import type { LogEntry } from '@flotilla/bus';

/** Lines of one stored entry, possibly only its last `n`: what one `entries` ref names. */
export interface EntrySlice {
  id: string;
  /** Number of the slice's last line (the entry's last line). */
  seq: number;
  n: number;
  text: string;
  stderr: number[];
}

export interface StreamMeta {
  container_id: string;
  host_id: string;
  tty: boolean;
}

/** The number of the first line an entry holds. */
export function firstLineOf(entry: Pick<LogEntry, 'seq' | 'n'>): number {
  return entry.seq - entry.n + 1;
}

/** The last `k` lines of an entry (all of them when `k >= n`). */
export function lastLines(entry: LogEntry, k: number): EntrySlice {
  if (k >= entry.n)
    return { id: entry.id, seq: entry.seq, n: entry.n, text: entry.text, stderr: entry.stderr };
  const text = entry.text;
  let pos = text.length - 1;
  for (let i = 0; i < k && pos !== -1; i++) pos = text.lastIndexOf('\n', pos - 1);
  const dropped = entry.n - k;
  return {
    id: entry.id,
    seq: entry.seq,
    n: k,
    text: text.slice(pos + 1),
    stderr: entry.stderr.filter((i) => i >= dropped).map((i) => i - dropped),
  };
}

/** The lines of `entry` numbered above `afterSeq`; null when it holds none. */
export function linesAfter(entry: LogEntry, afterSeq: number): EntrySlice | null {
  if (entry.seq <= afterSeq) return null;
  return lastLines(entry, Math.min(entry.n, entry.seq - afterSeq));
}

export type ResumeCheck =
  { kind: 'contiguous' } | { kind: 'retention'; lost: number } | { kind: 'reset' };

/**
 * What a client resuming after line `afterSeq` missed, given the oldest and newest retained
 * entries: nothing, an exact number of lines trimmed by retention, or an unknowable amount
 * when its cursor is beyond anything stored (the log was reset).
 */
export function checkResume(
  afterSeq: number,
  first: LogEntry | null,
  last: LogEntry | null,
): ResumeCheck {
  if (last === null || first === null)
    return afterSeq > 0 ? { kind: 'reset' } : { kind: 'contiguous' };
  if (afterSeq > last.seq) return { kind: 'reset' };
  const lost = firstLineOf(first) - afterSeq - 1;
  return lost > 0 ? { kind: 'retention', lost } : { kind: 'contiguous' };
}

/** Groups slices into `log_update` payloads of at most about `maxBytes` of text each. */
export function buildLogUpdates(
  slices: readonly EntrySlice[],
  meta: StreamMeta,
  maxBytes: number,
): LogUpdatePayload[] {
  const updates: LogUpdatePayload[] = [];
  let texts: string[] = [];
  let entries: LogEntryRef[] = [];
  let stderr: number[] = [];
  let lines = 0;
  let bytes = 0;
  const flush = (): void => {
    if (entries.length === 0) return;
    updates.push({ ...meta, log: texts.join(''), entries, stderr });
    texts = [];
    entries = [];
    stderr = [];
    lines = 0;
    bytes = 0;
  };
  for (const slice of slices) {
    if (bytes > 0 && bytes + slice.text.length > maxBytes) flush();
    texts.push(slice.text);
    entries.push({ id: slice.id, n: slice.n });
    for (const i of slice.stderr) stderr.push(lines + i);
    lines += slice.n;
    bytes += slice.text.length;
  }
  flush();
  return updates;
}

/** A gap marker: no entries, the reason and count in `gap`, a readable notice in `log`. */
export function gapUpdate(meta: StreamMeta, gap: LogGap): LogUpdatePayload {
  return { ...meta, log: gapNotice(gap), entries: [], stderr: [], gap };
}

export function gapNotice(gap: LogGap): string {
  const lines = (n: number | null): string => (n === 1 ? '1 line' : `${n} lines`);
  switch (gap.reason) {
    case 'retention':
      return `[flotilla] ${lines(gap.lost)} before this point are no longer retained and cannot be shown.\n`;
    case 'dropped':
      return `[flotilla] ${lines(gap.lost)} skipped here because the connection fell behind; resume after ${gap.resume_after ?? 'the start'} to fetch them.\n`;
    case 'reset':
      return '[flotilla] the stored log was reset; earlier lines cannot be matched with what you saw.\n';
    case 'skipped':
      return gap.lost === null
        ? '[flotilla] more lines were logged since that time than one view shows; skipped to the live lines.\n'
        : `[flotilla] ${lines(gap.lost)} skipped here: more were logged since that time than one view shows.\n`;
  }
}

/** The Docker timestamp of each line of `text` (as `dockerTime` writes it; '' when unreadable). */
export function lineTimes(text: string): string[] {
  const times: string[] = [];
  for (let start = 0; start < text.length;) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end === -1 ? text.length : end);
    times.push(dockerTime(line.slice(0, line.indexOf(' '))) ?? '');
    if (end === -1) break;
    start = end + 1;
  }
  return times;
}

/** The Docker timestamp one nanosecond before `ts` (both as `dockerTime` writes them). */
export function justBefore(ts: string): string {
  const nanos = Number(ts.slice(20, 29));
  if (nanos > 0) return `${ts.slice(0, 20)}${String(nanos - 1).padStart(9, '0')}Z`;
  const second = new Date(Date.parse(`${ts.slice(0, 19)}Z`) - 1_000).toISOString();
  return `${second.slice(0, 19)}.999999999Z`;
}
