import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Bytes still reachable after a full garbage collection (JS heap plus memory held outside it,
 * such as Buffers). RSS is no measure of a leak: freed pages often stay with the process.
 */
export function retainedBytes(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}
