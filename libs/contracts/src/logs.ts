/**
 * Log lines travel in batches. Each batch is one entry of the container's log stream whose id is
 * `<seq>-0`, `seq` being the per-container number of the batch's last line (lines are numbered
 * from 1). So a client that saw entry `<seq>-0` has seen every line up to `seq`, and a gateway can
 * tell exactly how many lines a client lost when its cursor is older than what is retained.
 */
export function logEntryId(lastLineSeq: number): string {
  return `${lastLineSeq}-0`;
}

/** The line number of the last line of the entry with this id. */
export function lastLineSeqOf(entryId: string): number {
  return Number(entryId.slice(0, entryId.indexOf('-')));
}

/** Which output a line came from; a TTY container has only one. */
export type LogSource = 'stdout' | 'stderr' | 'tty';

/** A stream entry as a `log_update` names it: its id and how many of the update's lines it holds. */
export interface LogEntryRef {
  id: string;
  n: number;
}

/** Why lines are missing from what a client received. */
/** `skipped`: a stream started from `since` sent its first `LIMITS.maxSinceLines` and skipped the rest. */
export type LogGapReason = 'retention' | 'dropped' | 'reset' | 'skipped';

export interface LogGap {
  reason: LogGapReason;
  /** Lines lost; null when nobody can know (the bus was reset, or Docker's log was not counted). */
  lost: number | null;
  /** Resume with `start_log_stream {after: resume_after}` to fetch what was dropped, if retained. */
  resume_after: string | null;
}

/**
 * `log_update`: the original `{container_id, log}` plus where the lines came from. `log` holds
 * whole lines, each ending in `\n`. A gap marker has `gap` set, no entries, and a readable notice
 * in `log`.
 */
export interface LogUpdatePayload {
  container_id: string;
  log: string;
  host_id: string;
  entries: LogEntryRef[];
  /** Indexes (within this update's lines) of the lines written to stderr. */
  stderr: number[];
  tty: boolean;
  gap?: LogGap;
  /**
   * Set on lines read from Docker's own log (a stream started from `since` before what the bus
   * retains): they have no stream entry, so `entries` is empty.
   */
  history?: true;
}

export const logStreamStoppedReasons = ['requested', 'removed', 'error', 'forbidden'] as const;
export type LogStreamStoppedReason = (typeof logStreamStoppedReasons)[number];

export interface LogStreamStoppedPayload {
  container_id: string;
  message: string;
  host_id: string;
  reason: LogStreamStoppedReason;
}

/** Where a page of earlier lines ends: its earliest line's Docker timestamp and entry id. */
export interface LogPosition {
  ts: string;
  /** The entry holding that line, when it came from the retained stream. */
  entry?: string;
}

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i;

/**
 * An RFC 3339 time (any fraction up to nanoseconds, any offset) as Docker timestamps are
 * written: UTC with nine fraction digits, so two compare as strings in time order. Null when
 * `iso` is not such a time.
 */
export function dockerTime(iso: string): string | null {
  const m = RFC3339.exec(iso);
  if (!m) return null;
  const seconds = Date.parse(`${m[1]}${m[3].toUpperCase()}`);
  if (Number.isNaN(seconds)) return null;
  const fraction = (m[2] ?? '').padEnd(9, '0');
  return `${new Date(seconds).toISOString().slice(0, 19)}.${fraction}Z`;
}
