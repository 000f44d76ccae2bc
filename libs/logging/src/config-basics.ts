/** What both apps' configuration readers share. */

/** The levels both apps accept in `LOG_LEVEL`, most severe first. */
export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A configuration mistake: its message is one line for the operator, naming the variable. */
export class ConfigError extends Error {}

/** `LOG_LEVEL` as both apps read it: trimmed, any case, `log` when unset or empty. */
export function parseLogLevel(value: string | undefined): LogLevel {
  const raw = (value ?? '').trim().toLowerCase() || 'log';
  const level = LOG_LEVELS.find((l) => l === raw);
  if (level) return level;
  throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
}

/** The levels enabled at `level` (it and the more severe ones). */
export function enabledLogLevels(level: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}
