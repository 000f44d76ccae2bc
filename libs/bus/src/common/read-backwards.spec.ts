import type { RawStreamEntry } from '../codecs';
import { pagesBackwards, type ReadBackwards } from './read-backwards';

/** A stream of entries `1-0` … `n-0`, read backwards; records every read. */
function stream(n: number): { read: ReadBackwards; reads: [string | null, number][] } {
  const ids = Array.from({ length: n }, (_, i) => `${i + 1}-0`);
  const reads: [string | null, number][] = [];
  const read: ReadBackwards = (before, count) => {
    reads.push([before, count]);
    const end = before === null ? ids.length : ids.indexOf(before);
    const page: RawStreamEntry[] = ids
      .slice(Math.max(0, end - count), end)
      .reverse()
      .map((id) => ({ id, value: {} }));
    return Promise.resolve(page);
  };
  return { read, reads };
}

async function collect(pages: AsyncIterable<RawStreamEntry[]>): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of pages) ids.push(...page.map((e) => e.id));
  return ids;
}

describe('pagesBackwards', () => {
  it('reads every entry once, newest first, pages doubling up to the largest', async () => {
    const { read, reads } = stream(20);
    const ids = await collect(pagesBackwards(read, 2, 8));
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => `${20 - i}-0`));
    expect(reads).toEqual([
      [null, 2],
      ['19-0', 4],
      ['15-0', 8],
      ['7-0', 8],
    ]);
  });

  it('stops after a full last page with one empty read, and reads no more once left', async () => {
    const full = stream(4);
    expect(await collect(pagesBackwards(full.read, 2))).toHaveLength(4);
    expect(full.reads).toEqual([
      [null, 2],
      ['3-0', 2],
      ['1-0', 2],
    ]);
    const early = stream(100);
    for await (const page of pagesBackwards(early.read, 10)) if (page.length > 0) break;
    expect(early.reads).toEqual([[null, 10]]);
  });
});
