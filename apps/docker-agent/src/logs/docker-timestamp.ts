const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/**
 * Docker's `since` for a read that starts just after a line stamped `ts` (RFC3339Nano):
 * `<seconds>.<nanoseconds>` of `ts` + 1 ns, so the line itself is not sent again. Null when
 * `ts` is not a timestamp.
 */
export function sinceAfter(ts: string): string | null {
  const m = RFC3339.exec(ts);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return null;
  let seconds = Math.floor(ms / 1000);
  let nanos = Number((m[2] ?? '').padEnd(9, '0')) + 1;
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  return `${seconds}.${String(nanos).padStart(9, '0')}`;
}
