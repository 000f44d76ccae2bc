/**
 * Shell snippets (busybox sh) for test containers that print known lines, so tests can
 * assert exact log contents. Pair each with `expectedLines` for the assertion side.
 */

/** Quotes `text` as one shell word. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function checkPrefix(prefix: string): string {
  if (/[\\\n\r]/.test(prefix))
    throw new Error(`line prefix must not hold backslashes or newlines: ${prefix}`);
  return prefix;
}

/** The lines the snippets below print: `prefix from` … `prefix from+n-1`. */
export function expectedLines(n: number, prefix = 'line', from = 1): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix} ${from + i}`);
}

/** The text of a log line as Docker gives it (`<RFC 3339 timestamp> <text>`), without its timestamp. */
export function withoutTimestamp(line: string): string {
  return line.slice(line.indexOf(' ') + 1);
}

/** Prints `prefix 1` … `prefix n` to stdout, then exits 0. */
export function printLines(n: number, prefix = 'line'): string {
  const p = shellQuote(checkPrefix(prefix));
  return `i=1; while [ $i -le ${Math.trunc(n)} ]; do printf '%s %d\\n' ${p} $i; i=$((i+1)); done`;
}

/** Same lines as `printLines`, to stderr. */
export function printLinesToStderr(n: number, prefix = 'err'): string {
  return `{ ${printLines(n, prefix)}; } 1>&2`;
}

/** Same lines as `printLines`, as fast as possible (awk, not a shell loop): for floods. */
export function floodLines(n: number, prefix = 'line'): string {
  const p = shellQuote(checkPrefix(prefix));
  return `awk -v p=${p} -v n=${Math.trunc(n)} 'BEGIN { for (i = 1; i <= n; i++) print p " " i }'`;
}

/** Keeps the container running (cheaply) until it is stopped. */
export const SLEEP_FOREVER = 'while true; do sleep 3600; done';

/** Prints `printLines(n, prefix)`, then stays up: for following a live container's log. */
export function printLinesThenWait(n: number, prefix = 'line'): string {
  return `${printLines(n, prefix)}; ${SLEEP_FOREVER}`;
}

/** Prints `prefix 1`, `prefix 2`, … every `intervalSeconds` until stopped. */
export function ticker(prefix = 'tick', intervalSeconds = 0.2): string {
  const p = shellQuote(checkPrefix(prefix));
  return `i=1; while true; do printf '%s %d\\n' ${p} $i; i=$((i+1)); sleep ${intervalSeconds}; done`;
}

/** Prints `printLines(n, prefix)`, then exits with `code`. */
export function printLinesThenExit(n: number, prefix: string, code: number): string {
  return `${printLines(n, prefix)}; exit ${Math.trunc(code)}`;
}
