/**
 * How both apps' entry points run a service: start it, stop it in order at SIGTERM or SIGINT,
 * exit 0. Loading this module starts listening for those signals, so each `main.ts` imports it
 * before anything else: a signal that arrives while the code is still loading or the service
 * is starting is kept and acted on, instead of killing the process by Node's default action
 * (exit 143 with nothing cleaned up: an agent's host left "online" until its heartbeat expires).
 * Nothing else is loaded here, so the window before the listeners exist stays Node's own start;
 * and it is not part of `@flotilla/logging`'s index, so no library import installs listeners.
 */
import { describeError } from './describe-error';

const controller = new AbortController();
const onSignal = (signal: NodeJS.Signals): void =>
  controller.abort(new DOMException(`${signal} received`, 'AbortError'));
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

/**
 * Aborted at the first SIGTERM or SIGINT, whenever it came; its reason is an `AbortError`
 * naming the signal. Pass it to a start function that can give up half-way.
 */
export const stopRequested: AbortSignal = controller.signal;

/** Orderly stops longer than this end with exit 1. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

/** What `runService` logs through: a Nest `Logger`, or any logger with these two methods. */
export interface ServiceLogger {
  log(message: string): void;
  error(message: string): void;
}

export interface ServiceLifecycle<T> {
  /**
   * Starts the service. When `signal` aborts during start-up it either finishes starting (the
   * service is then stopped) or stops what it started and rejects with an `AbortError`.
   */
  start(signal: AbortSignal): Promise<T>;
  stop(service: T): Promise<void>;
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * Runs the service until the first signal, then stops it and exits: 0 after an orderly stop
 * (also when the signal came during start-up), 1 when stopping failed or took longer than
 * `timeoutMs`. A start that fails for another reason rejects, for the caller to report. Promise
 * rejections nobody handled (a library's fire-and-forget call during a Redis outage) are logged
 * rather than ending the process.
 */
export async function runService<T>(
  lifecycle: ServiceLifecycle<T>,
  logger: ServiceLogger,
  timeoutMs = SHUTDOWN_TIMEOUT_MS,
): Promise<void> {
  process.on('unhandledRejection', (reason) => {
    logger.error(`unhandled rejection: ${describeError(reason)}`);
  });
  const requested = new Promise<void>((resolve) => {
    const onStop = (): void => {
      logger.log(`${describe(stopRequested.reason)}, stopping`);
      setTimeout(() => {
        logger.error('shutdown took too long, exiting');
        process.exit(1);
      }, timeoutMs).unref();
      resolve();
    };
    if (stopRequested.aborted) onStop();
    else stopRequested.addEventListener('abort', onStop, { once: true });
  });

  let service: T;
  try {
    service = await lifecycle.start(stopRequested);
  } catch (error: unknown) {
    if (!(stopRequested.aborted && isAbortError(error))) throw error;
    logger.log('stopped');
    process.exit(0);
  }
  await requested;
  try {
    await lifecycle.stop(service);
  } catch (error: unknown) {
    logger.error(`shutdown failed: ${describeError(error)}`);
    process.exit(1);
  }
  logger.log('stopped');
  process.exit(0);
}

function describe(value: unknown): string {
  return describeError(value);
}
