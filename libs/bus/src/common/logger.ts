/**
 * Where the bus reports what it skips or survives (corrupt values, lost connections). Nest's
 * `Logger` fits as is; the bus never throws these at its callers.
 */
export interface BusLogger {
  warn(message: string): void;
  error(message: string): void;
  log?(message: string): void;
}

export const silentLogger: BusLogger = {
  warn: () => undefined,
  error: () => undefined,
};
