const DOCKER_TS = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/;

/**
 * A Docker log timestamp (RFC3339Nano, UTC, trailing fraction zeros dropped) with all nine
 * fraction digits, so timestamps compare as strings; null when `ts` is not one.
 */
export function searchTimestamp(ts: string): string | null {
  const m = DOCKER_TS.exec(ts);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z` : null;
}

/** A search timestamp as Docker's `since`/`until` take it: `<seconds>.<nanoseconds>`. */
export function dockerTime(ts: string): string {
  const seconds = Math.floor(Date.parse(`${ts.slice(0, 19)}Z`) / 1_000);
  return `${seconds}.${ts.slice(20, 29)}`;
}
