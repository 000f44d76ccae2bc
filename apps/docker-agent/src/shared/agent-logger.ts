import { FlotillaLogger, LOG_LEVELS, type LogLevel } from '@flotilla/logging';

/**
 * The agent's logger, filtered by the agent's own `LOG_LEVEL` (an agent may share its process
 * with a gateway that logs at another level).
 */
export interface AgentLogger {
  error(message: string): void;
  warn(message: string): void;
  log(message: string): void;
  debug(message: string): void;
  verbose(message: string): void;
  child(context: string): AgentLogger;
}

/**
 * Where the agent's lines go. The agent process writes them with libs/logging's JSON logger; an
 * app embedding the agent passes its own (the gateway's standalone mode: the gateway's logger),
 * so the agent itself never loads a framework.
 */
export type AgentLogSink = (level: LogLevel, context: string, message: string) => void;

/** A sink writing through a `FlotillaLogger` (default: JSON lines on stdout, every level). */
export function flotillaLogSink(
  output: FlotillaLogger = new FlotillaLogger({ level: 'verbose', app: 'docker-agent' }),
): AgentLogSink {
  return (level, context, message) => output[level](message, context);
}

export function createAgentLogger(
  context: string,
  level: LogLevel,
  sink: AgentLogSink = flotillaLogSink(),
): AgentLogger {
  const max = LOG_LEVELS.indexOf(level);
  const at =
    (l: LogLevel) =>
    (message: string): void => {
      if (LOG_LEVELS.indexOf(l) <= max) sink(l, context, message);
    };
  return {
    error: at('error'),
    warn: at('warn'),
    log: at('log'),
    debug: at('debug'),
    verbose: at('verbose'),
    child: (c) => createAgentLogger(c, level, sink),
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
