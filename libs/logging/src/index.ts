import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';

import { LOG_LEVELS, type LogLevel } from './config-basics';

export { describeError } from './describe-error';
export {
  ConfigError,
  enabledLogLevels,
  LOG_LEVELS,
  parseLogLevel,
  type LogLevel,
} from './config-basics';

export type LogFormat = 'json' | 'pretty';

export interface FlotillaLoggerOptions {
  /** Most verbose level written (default `log`). */
  level?: LogLevel;
  /** `json`: one JSON object a line; `pretty`: for people. Default: pretty on a terminal, else json. */
  format?: LogFormat;
  /** Where lines go (default process.stdout). */
  write?: (line: string) => void;
  /** The app name put in every line, e.g. `gateway`. */
  app?: string;
}

/**
 * A Nest `LoggerService` writing structured logs: JSON lines (`time`, `level`, `app`,
 * `context`, `msg`, and `stack` for errors) when stdout is not a terminal, readable lines when
 * it is. Install it with `Logger.overrideLogger(new FlotillaLogger(...))`; every `new
 * Logger(context)` of the process then writes through it.
 */
export class FlotillaLogger implements LoggerService {
  private max: number;
  private readonly format: LogFormat;
  private readonly write: (line: string) => void;
  private readonly app?: string;

  constructor(options: FlotillaLoggerOptions = {}) {
    this.max = LOG_LEVELS.indexOf(options.level ?? 'log');
    this.format = options.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
    this.write = options.write ?? ((line) => process.stdout.write(line));
    this.app = options.app;
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }

  /** Nest passes the enabled levels (e.g. from `NestFactory.create({ logger: [...] })`). */
  setLogLevels(levels: NestLogLevel[]): void {
    const known = levels.map((l) => LOG_LEVELS.indexOf(l as LogLevel)).filter((i) => i >= 0);
    this.max = known.length ? Math.max(...known) : -1;
  }

  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) <= this.max;
  }

  private emit(level: LogLevel, message: unknown, rest: unknown[]): void {
    if (!this.enabled(level)) return;
    // Nest's convention: the last string argument is the context; for errors, a stack before it.
    const args = [...rest];
    const context =
      args.length && typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    let stack =
      level === 'error' && typeof args[0] === 'string' ? (args.shift() as string) : undefined;
    let msg: string;
    if (message instanceof Error) {
      msg = message.message;
      stack ??= message.stack;
    } else if (typeof message === 'string') {
      msg = message;
    } else {
      msg = safeJson(message);
    }
    const time = new Date().toISOString();
    if (this.format === 'json') {
      const line: Record<string, unknown> = { time, level, ...(this.app ? { app: this.app } : {}) };
      if (context) line['context'] = context;
      line['msg'] = msg;
      if (stack) line['stack'] = stack;
      this.write(`${JSON.stringify(line)}\n`);
    } else {
      const where = context ? ` [${context}]` : '';
      this.write(
        `${time} ${level.toUpperCase().padEnd(7)}${where} ${msg}\n${stack ? `${stack}\n` : ''}`,
      );
    }
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
