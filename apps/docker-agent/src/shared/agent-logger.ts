import { Logger } from '@nestjs/common';
import { LOG_LEVELS, type LogLevel } from '@flotilla/logging';

/** The framework logger, filtered by the agent's own `LOG_LEVEL` (an agent may share its process). */
export interface AgentLogger {
  error(message: string): void;
  warn(message: string): void;
  log(message: string): void;
  debug(message: string): void;
  verbose(message: string): void;
  child(context: string): AgentLogger;
}

export function createAgentLogger(context: string, level: LogLevel): AgentLogger {
  const max = LOG_LEVELS.indexOf(level);
  const nest = new Logger(context);
  const on = (l: LogLevel): boolean => LOG_LEVELS.indexOf(l) <= max;
  return {
    error: (m) => on('error') && nest.error(m),
    warn: (m) => on('warn') && nest.warn(m),
    log: (m) => on('log') && nest.log(m),
    debug: (m) => on('debug') && nest.debug(m),
    verbose: (m) => on('verbose') && nest.verbose(m),
    child: (c) => createAgentLogger(c, level),
  };
}

/** A logger that says nothing (tests of logic). */
export const silentLogger: AgentLogger = {
  error: () => undefined,
  warn: () => undefined,
  log: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
  child: () => silentLogger,
};
