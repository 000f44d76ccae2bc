import type { Container, ContainerState } from '@flotilla/contracts';

/*
 * The few runtime values of the wire contract the browser needs, restated here. The contract's
 * modules build zod schemas when they load, so importing any value from `@flotilla/contracts`
 * would add zod (~450 kB) to the bundle; the app imports only its types. Each value is typed
 * against the contract, and contract-runtime.spec.ts checks it equals the contract's own.
 */

/** Every container state, in the contract's order (a missing or extra state fails to compile). */
const STATE_ORDER: Record<ContainerState, number> = {
  created: 0,
  running: 1,
  paused: 2,
  restarting: 3,
  exited: 4,
  dead: 5,
  removed: 6,
};
export const CONTAINER_STATE_LIST: readonly ContainerState[] = (
  Object.keys(STATE_ORDER) as ContainerState[]
).sort((a, b) => STATE_ORDER[a] - STATE_ORDER[b]);

/** Is `next` newer than `current`? (the contract's `isNewer`) */
export function isNewer(
  next: Pick<Container, 'revision'>,
  current?: Pick<Container, 'revision'>,
): boolean {
  return current === undefined || next.revision > current.revision;
}

/** The id of the log entry whose last line is `lastLineSeq` (the contract's `logEntryId`). */
export function logEntryId(lastLineSeq: number): string {
  return `${lastLineSeq}-0`;
}

/** The line number of the last line of a log entry (the contract's `lastLineSeqOf`). */
export function lastLineSeqOf(entryId: string): number {
  return Number(entryId.slice(0, entryId.indexOf('-')));
}

/** Most lines a client may ask for as backfill (the contract's `LIMITS.maxTail`). */
export const MAX_TAIL = 10_000;
