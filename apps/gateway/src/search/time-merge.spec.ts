import type { HostMatch } from '@flotilla/contracts';
import { TimeMerge } from './time-merge';

const at = (second: number): string =>
  `2026-01-01T00:00:${String(second).padStart(2, '0')}.000000000Z`;
const match = (second: number): HostMatch => ({
  container_id: 'c'.repeat(64),
  container_name: 'web',
  ts: at(second),
  stream: 'stdout',
  line: `line ${second}`,
});
const seconds = (merged: { ts: string }[]): number[] =>
  merged.map((m) => Number(m.ts.slice(17, 19)));

describe('TimeMerge', () => {
  it('holds a match back until every other host is known to be past it', () => {
    const merge = new TimeMerge(['a', 'b']);
    merge.push('a', [match(1), match(5)]);
    expect(merge.take(10)).toEqual([]);
    merge.progress('b', at(3));
    expect(seconds(merge.take(10))).toEqual([1]);
    merge.push('b', [match(4)]);
    expect(seconds(merge.take(10))).toEqual([4]);
    merge.finish('b');
    expect(seconds(merge.take(10))).toEqual([5]);
    expect(merge.consumed('a')).toBe(1);
    expect(merge.consumed('b')).toBe(1);
  });

  it('interleaves hosts in time order and stops at the count asked for', () => {
    const merge = new TimeMerge(['a', 'b']);
    merge.push('a', [match(1), match(3), match(5)]);
    merge.push('b', [match(2), match(4)]);
    merge.finish('b');
    expect(seconds(merge.take(3))).toEqual([1, 2, 3]);
    expect(merge.pending).toBe(true);
    merge.finish('a');
    expect(seconds(merge.take(10))).toEqual([4, 5]);
    expect(merge.drained).toBe(true);
  });

  it('a host that failed no longer holds the others back, and what it sent still counts', () => {
    const merge = new TimeMerge(['a', 'b']);
    merge.push('a', [match(2)]);
    merge.push('b', [match(1)]);
    expect(seconds(merge.take(10))).toEqual([1]);
    merge.finish('b');
    expect(seconds(merge.take(10))).toEqual([2]);
  });
});
