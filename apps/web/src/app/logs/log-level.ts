export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function levelRank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

const NAMES: Record<string, LogLevel> = {
  trace: 'trace',
  trc: 'trace',
  finest: 'trace',
  debug: 'debug',
  dbg: 'debug',
  fine: 'debug',
  info: 'info',
  inf: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  wrn: 'warn',
  error: 'error',
  err: 'error',
  eror: 'error',
  fatal: 'fatal',
  crit: 'fatal',
  critical: 'fatal',
  panic: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  alert: 'fatal',
  severe: 'error',
};

/** A level name in any case; null when it is not one. */
export function normalizeLevel(name: string): LogLevel | null {
  return NAMES[name.toLowerCase()] ?? null;
}

/** pino / bunyan numbers. */
function numericLevel(n: number): LogLevel | null {
  if (n >= 60) return 'fatal';
  if (n >= 50) return 'error';
  if (n >= 40) return 'warn';
  if (n >= 30) return 'info';
  if (n >= 20) return 'debug';
  if (n >= 10) return 'trace';
  return null;
}

const JSON_KEYS = ['level', 'severity', 'lvl', 'loglevel', 'log.level', 'levelname', 'log_level'];

/** The level of a parsed JSON log record (`level`, `severity`, `log.level`, ... as text or number). */
export function levelOfRecord(record: Record<string, unknown>): LogLevel | null {
  for (const key of JSON_KEYS) {
    let value: unknown = record[key];
    if (value === undefined && key === 'log.level') {
      const log = record['log'];
      value =
        typeof log === 'object' && log !== null
          ? (log as Record<string, unknown>)['level']
          : undefined;
    }
    if (typeof value === 'string') {
      // Some shippers write pino's numbers as text: `"level":"50"`.
      const level = /^\d{2}$/.test(value) ? numericLevel(Number(value)) : normalizeLevel(value);
      if (level) return level;
    } else if (typeof value === 'number') {
      const level = numericLevel(value);
      if (level) return level;
    }
  }
  return null;
}

/** `level=info`, `lvl=WARN`, `severity="error"` (logfmt and friends). */
const KEY_VALUE = /\b(?:level|lvl|severity|loglevel)\s*[=:]\s*"?([A-Za-z]+)"?/i;
/** `[error]`, `[WARN]`, `<warning>`, `(info)`. */
const BRACKETED =
  /[[(<]\s*(trace|debug|dbg|info|notice|warn|warning|error|err|fatal|crit|critical|panic|emerg|alert|severe)\s*[\])>]/i;
/** Upper-case words: `ERROR`, `WARN`, `INFO:`, `E/` is too cryptic to guess. */
const UPPER_WORD =
  /(?:^|[^A-Za-z0-9_])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRIT|CRITICAL|PANIC|EMERG|ALERT|SEVERE)(?![A-Za-z0-9_])/;
/** `Error:` or `Warning:` starting a line, as many runtimes print them. */
const LEADING_WORD = /^\s*(error|warning|warn|fatal|panic|info|debug)\b\s*[:!-]/i;

/** Only the start of a line is examined: a level is written first, and lines can be huge. */
const SCAN = 240;

/**
 * Guesses a line's level from common formats: JSON fields (`level`, `severity`, ...), logfmt
 * `level=info`, `[error]`, upper-case `ERROR` / `WARN`, or a leading `Error:`. Null when there
 * is no sign of one. `plain` is the line without ANSI codes.
 */
export function detectLevel(
  plain: string,
  record?: Record<string, unknown> | null,
): LogLevel | null {
  if (record) {
    const level = levelOfRecord(record);
    if (level) return level;
  }
  const head = plain.length > SCAN ? plain.slice(0, SCAN) : plain;
  const kv = KEY_VALUE.exec(head);
  if (kv?.[1]) {
    const level = normalizeLevel(kv[1]);
    if (level) return level;
  }
  const bracketed = BRACKETED.exec(head);
  if (bracketed?.[1]) return normalizeLevel(bracketed[1]);
  const upper = UPPER_WORD.exec(head);
  if (upper?.[1]) return normalizeLevel(upper[1]);
  const leading = LEADING_WORD.exec(head);
  if (leading?.[1]) return normalizeLevel(leading[1]);
  return null;
}

/** Parses a line that looks like a JSON object; null for anything else (cheaply). */
export function parseJsonRecord(plain: string): Record<string, unknown> | null {
  const text = plain.trim();
  if (text.length < 2 || text[0] !== '{' || text[text.length - 1] !== '}') return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
