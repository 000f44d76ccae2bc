import * as contract from '@flotilla/contracts';
import {
  CONTAINER_STATE_LIST,
  MAX_TAIL,
  isNewer,
  lastLineSeqOf,
  logEntryId,
} from './contract-runtime';

/** The browser's copies of the contract's values must stay equal to the contract's. */
describe('contract-runtime', () => {
  it('lists the same container states in the same order', () => {
    expect(CONTAINER_STATE_LIST).toEqual([...contract.CONTAINER_STATES]);
  });

  it('builds and reads log entry ids as the contract does', () => {
    for (const n of [1, 42, 9_999_999]) {
      expect(logEntryId(n)).toBe(contract.logEntryId(n));
      expect(lastLineSeqOf(logEntryId(n))).toBe(contract.lastLineSeqOf(contract.logEntryId(n)));
    }
  });

  it('orders revisions as the contract does', () => {
    const cases: [number, number | undefined][] = [
      [2, 1],
      [1, 1],
      [1, 2],
      [1, undefined],
    ];
    for (const [next, current] of cases) {
      const cur = current === undefined ? undefined : { revision: current };
      expect(isNewer({ revision: next }, cur)).toBe(contract.isNewer({ revision: next }, cur));
    }
  });

  it('uses the contract’s backfill limit', () => {
    expect(MAX_TAIL).toBe(contract.LIMITS.maxTail);
  });
});
