import { type LogLine, toLogLines } from './log-line';
import { compareLines, insertByTime, mergeByTime } from './log-merge';

function lines(source: string, entries: [second: number, text: string][]): LogLine[] {
  return toLogLines(
    source,
    entries.map(([s, text], i) => ({
      raw: `2024-05-01T10:00:${String(s).padStart(2, '0')}.${s === 3 ? '5' : '25'}Z ${text}`,
      stderr: false,
      lineNo: i + 1,
    })),
    undefined,
  );
}

describe('mergeByTime', () => {
  it('interleaves containers by the timestamp at the start of each line', () => {
    const a = lines('host-a/web', [
      [1, 'a1'],
      [3, 'a3'],
      [5, 'a5'],
    ]);
    const b = lines('host-b/db', [
      [2, 'b2'],
      [3, 'b3'],
      [4, 'b4'],
    ]);
    expect(mergeByTime([a, b]).map((l) => l.plain)).toEqual(['a1', 'b2', 'a3', 'b3', 'b4', 'a5']);
  });

  it('keeps each container in its own order on equal times (arrival order)', () => {
    const a = lines('h/a', [
      [1, 'a-first'],
      [1, 'a-second'],
    ]);
    const b = lines('h/b', [[1, 'b-only']]);
    const merged = mergeByTime([b, a]).map((l) => l.plain);
    expect(merged.indexOf('a-first')).toBeLessThan(merged.indexOf('a-second'));
    expect(merged).toHaveLength(3);
  });

  it('compares nanosecond precision correctly although Docker trims zeros', () => {
    const [early] = toLogLines(
      'h/a',
      [{ raw: '2024-05-01T10:00:00.45Z x', stderr: false, lineNo: 1 }],
      undefined,
    );
    const [late] = toLogLines(
      'h/b',
      [{ raw: '2024-05-01T10:00:00.5Z y', stderr: false, lineNo: 1 }],
      undefined,
    );
    expect(early && late && compareLines(early, late)).toBeLessThan(0);
    expect(mergeByTime([[late], [early]]).map((l) => l.plain)).toEqual(['x', 'y']);
  });

  it('handles empty lists', () => {
    expect(mergeByTime([])).toEqual([]);
    expect(mergeByTime([[], []])).toEqual([]);
  });
});

describe('insertByTime', () => {
  it('puts late lines of a slower host in their place', () => {
    const target = lines('h/a', [
      [1, 'a1'],
      [4, 'a4'],
    ]);
    const late = lines('h/b', [
      [2, 'b2'],
      [6, 'b6'],
    ]);
    const inserted = insertByTime(
      target,
      late,
      (l) => l,
      (l) => [l],
    );
    expect(inserted).toBe(2);
    expect(target.map((l) => l.plain)).toEqual(['a1', 'b2', 'a4', 'b6']);
  });
});
