/** Polling and event waits, so tests never rely on bare sleeps. */

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Describes what was awaited; shown in the timeout error. */
  message?: string;
  /** Gives up at once when aborted, rejecting with the abort reason (e.g. "the daemon died"). */
  signal?: AbortSignal;
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Polls `predicate` until it returns a truthy value, and resolves with that value.
 * A predicate that throws counts as "not yet"; its last error is reported on timeout.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  { timeoutMs = 5_000, intervalMs = 50, message = 'condition', signal }: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const value = await predicate();
      if (value) return value;
      lastError = undefined;
    } catch (error: unknown) {
      lastError = error;
    }
    signal?.throwIfAborted();
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `: last error: ${lastError.message}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message}${cause}`, {
        cause: lastError,
      });
    }
    await delay(Math.min(intervalMs, Math.max(0, deadline - Date.now())), signal);
  }
}

/** Anything with `once`/`off`: Node's EventEmitter, socket.io sockets, ioredis clients. */
export interface OnceEmitter {
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** Resolves with the first argument of the next `event`, or rejects after `timeoutMs`. */
export function waitForEvent<T = unknown>(
  emitter: OnceEmitter,
  event: string,
  timeoutMs = 5_000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const listener = (...args: unknown[]): void => {
      clearTimeout(timer);
      resolve(args[0] as T);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for event "${event}"`));
    }, timeoutMs);
    emitter.once(event, listener);
  });
}
