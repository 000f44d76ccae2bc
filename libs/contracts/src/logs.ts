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
export type LogGapReason = 'retention' | 'dropped' | 'reset';

export interface LogGap {
  reason: LogGapReason;
  /** Lines lost; null when nobody can know (the bus was reset). */
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
}

export const logStreamStoppedReasons = ['requested', 'removed', 'error', 'forbidden'] as const;
export type LogStreamStoppedReason = (typeof logStreamStoppedReasons)[number];

export interface LogStreamStoppedPayload {
  container_id: string;
  message: string;
  host_id: string;
  reason: LogStreamStoppedReason;
}
