import type { LogEntry } from '@flotilla/bus';
import {
  buildLogUpdates,
  checkResume,
  gapUpdate,
  justBefore,
  lastLines,
  lineTimes,
  linesAfter,
} from './log-slicing';

/** An entry holding lines `from`..`to`, the odd ones on stderr. */
function entry(from: number, to: number): LogEntry {
  const lines: string[] = [];
  const stderr: number[] = [];
  for (let i = from; i <= to; i++) {
    lines.push(`t line ${i}\n`);
    if (i % 2 === 1) stderr.push(i - from);
  }
  return {
    id: `${to}-0`,
    seq: to,
    n: to - from + 1,
    text: lines.join(''),
    stderr,
    lastTimestamp: 't',
  };
}

const linesOf = (text: string): string[] => text.split('\n').filter(Boolean);
const meta = { container_id: 'c'.repeat(64), host_id: 'h', tty: false };

describe('lastLines / linesAfter', () => {
  it('keeps the last k lines and reindexes stderr', () => {
    const slice = lastLines(entry(1, 5), 2);
    expect(slice).toEqual({ id: '5-0', seq: 5, n: 2, text: 't line 4\nt line 5\n', stderr: [1] });
    expect(lastLines(entry(1, 5), 9).n).toBe(5);
  });

  it('returns the lines after a cursor inside, before or past an entry', () => {
    expect(linesAfter(entry(11, 20), 14)).toMatchObject({ n: 6, id: '20-0' });
    expect(linesOf(linesAfter(entry(11, 20), 14)!.text)[0]).toBe('t line 15');
    expect(linesAfter(entry(11, 20), 3)?.n).toBe(10);
    expect(linesAfter(entry(11, 20), 20)).toBeNull();
  });
});

describe('checkResume', () => {
  it('counts lines lost to retention exactly from line numbers', () => {
    expect(checkResume(10, entry(51, 60), entry(91, 100))).toEqual({ kind: 'retention', lost: 40 });
    expect(checkResume(50, entry(51, 60), entry(91, 100))).toEqual({ kind: 'contiguous' });
    expect(checkResume(55, entry(51, 60), entry(91, 100))).toEqual({ kind: 'contiguous' });
    expect(checkResume(0, entry(1, 10), entry(1, 10))).toEqual({ kind: 'contiguous' });
    expect(checkResume(0, entry(3, 10), entry(3, 10))).toEqual({ kind: 'retention', lost: 2 });
  });

  it('says reset when the cursor is beyond anything stored', () => {
    expect(checkResume(101, entry(51, 60), entry(91, 100))).toEqual({ kind: 'reset' });
    expect(checkResume(5, null, null)).toEqual({ kind: 'reset' });
    expect(checkResume(0, null, null)).toEqual({ kind: 'contiguous' });
  });
});

describe('buildLogUpdates', () => {
  it('groups slices, offsets stderr indexes and splits at the size cap', () => {
    const slices = [
      lastLines(entry(1, 4), 4),
      lastLines(entry(5, 8), 4),
      lastLines(entry(9, 12), 4),
    ];
    const [one] = buildLogUpdates(slices, meta, 1_000_000);
    expect(one.entries).toEqual([
      { id: '4-0', n: 4 },
      { id: '8-0', n: 4 },
      { id: '12-0', n: 4 },
    ]);
    expect(one.stderr).toEqual([0, 2, 4, 6, 8, 10]);
    expect(linesOf(one.log)).toHaveLength(12);
    const split = buildLogUpdates(slices, meta, slices[0].text.length + 1);
    expect(split.map((u) => u.entries.length)).toEqual([1, 1, 1]);
    expect(split[2].stderr).toEqual([0, 2]);
  });

  it('makes a gap marker with no entries and a notice', () => {
    const gap = gapUpdate(meta, { reason: 'retention', lost: 40, resume_after: null });
    expect(gap.entries).toEqual([]);
    expect(gap.log).toMatch(/40 lines .* no longer retained/);
    expect(gap.log.endsWith('\n')).toBe(true);
  });
});

describe('the seam between Docker and the retained stream', () => {
  it("reads each line's Docker timestamp as nine fraction digits", () => {
    expect(lineTimes('2026-01-02T03:04:05.5Z a\n2026-01-02T03:04:06Z b c\nbroken\n')).toEqual([
      '2026-01-02T03:04:05.500000000Z',
      '2026-01-02T03:04:06.000000000Z',
      '',
    ]);
  });

  it('justBefore is one nanosecond earlier, across a second', () => {
    expect(justBefore('2026-01-02T03:04:05.500000000Z')).toBe('2026-01-02T03:04:05.499999999Z');
    expect(justBefore('2026-01-02T00:00:00.000000000Z')).toBe('2026-01-01T23:59:59.999999999Z');
  });
});
