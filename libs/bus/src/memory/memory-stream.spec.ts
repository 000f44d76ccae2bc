import { MemoryStream, StreamIdTooSmallError } from './memory-stream';

const f = { d: 'x' };

describe('MemoryStream', () => {
  it('makes ids as Redis does: <ms>-0, then <ms>-<seq+1> within a ms or when the clock steps back', () => {
    const stream = new MemoryStream();
    expect(stream.add('*', f, 100, 1_000)).toBe('1000-0');
    expect(stream.add('*', f, 100, 1_000)).toBe('1000-1');
    expect(stream.add('*', f, 100, 999)).toBe('1000-2');
    expect(stream.add('*', f, 100, 1_001)).toBe('1001-0');
  });

  it('refuses explicit ids at or below the newest, even after trimming', () => {
    const stream = new MemoryStream();
    for (let seq = 1; seq <= 30; seq++) stream.add(`${seq}-0`, f, 10);
    expect(stream.length).toBeGreaterThanOrEqual(10);
    expect(stream.length).toBeLessThanOrEqual(11);
    expect(() => stream.add('30-0', f, 10)).toThrow(StreamIdTooSmallError);
    expect(() => stream.add('0-0', f, 10)).toThrow(StreamIdTooSmallError);
    expect(stream.add('31-0', f, 10)).toBe('31-0');
  });

  it('ranges after an exclusive id up to an inclusive one, and backwards before an exclusive one', () => {
    const stream = new MemoryStream();
    for (let seq = 1; seq <= 5; seq++) stream.add(`${seq * 10}-0`, f, 100);
    const ids = (entries: { id: string }[]): string[] => entries.map((e) => e.id);
    expect(ids(stream.range('10-0', '40-0', 10))).toEqual(['20-0', '30-0', '40-0']);
    expect(ids(stream.range('15-0', null, 2))).toEqual(['20-0', '30-0']);
    expect(ids(stream.range(null, null, 1))).toEqual(['10-0']);
    expect(ids(stream.revRange('30-0', 10))).toEqual(['20-0', '10-0']);
    expect(ids(stream.revRange(null, 2))).toEqual(['50-0', '40-0']);
  });
});
