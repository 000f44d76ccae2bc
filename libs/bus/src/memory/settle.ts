/**
 * Runs synchronous store work as a Promise, so the memory bus fails the way the Redis bus does
 * (a rejection, never a synchronous throw) and never resolves inside the caller's stack frame.
 */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error: unknown) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
