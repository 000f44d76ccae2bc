import { mergeByTime } from './merge-by-time';
import { dockerTime, searchTimestamp } from './search-time';

async function* items(ts: string[], pulled: string[]): AsyncGenerator<{ ts: string }> {
  for (const t of ts) {
    await Promise.resolve();
    pulled.push(t);
    yield { ts: t };
  }
}

async function collect<T>(source: AsyncIterable<T>, max = Infinity): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) {
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}

describe('mergeByTime', () => {
  it('merges sources that are each in time order into one time order', async () => {
    const pulled: string[] = [];
    const merged = await collect(
      mergeByTime([
        items(['1', '4', '6'], pulled),
        items(['2', '3', '7'], pulled),
        items([], pulled),
      ]),
    );
    expect(merged.map((m) => m.ts)).toEqual(['1', '2', '3', '4', '6', '7']);
  });

  it('reads no further ahead than one item per source, and closes them when stopped early', async () => {
    const pulled: string[] = [];
    let closed = 0;
    async function* counted(ts: string[]): AsyncGenerator<{ ts: string }> {
      try {
        yield* items(ts, pulled);
      } finally {
        closed++;
      }
    }
    const merged = await collect(
      mergeByTime([counted(['1', '2', '3', '4']), counted(['5', '6'])]),
      2,
    );
    expect(merged.map((m) => m.ts)).toEqual(['1', '2']);
    expect(pulled).toEqual(['1', '5', '2', '3']);
    expect(closed).toBe(2);
  });
});

describe('search timestamps', () => {
  it('pads Docker timestamps to nine fraction digits so they compare as strings', () => {
    const a = searchTimestamp('2026-01-01T00:00:01.1Z');
    const b = searchTimestamp('2026-01-01T00:00:01.12Z');
    expect(a).toBe('2026-01-01T00:00:01.100000000Z');
    expect(b).toBe('2026-01-01T00:00:01.120000000Z');
    expect((a as string) < (b as string)).toBe(true);
    expect(searchTimestamp('2026-01-01T00:00:01Z')).toBe('2026-01-01T00:00:01.000000000Z');
    expect(searchTimestamp('yesterday')).toBeNull();
  });

  it('turns a search timestamp into Docker seconds.nanoseconds', () => {
    expect(dockerTime('1970-01-01T00:00:10.000000042Z')).toBe('10.000000042');
  });
});
