/**
 * Merges sources that each yield in time order (`ts` strings that compare as times) into one
 * sequence in time order. Holds one pending item per source; a source is pulled only when its
 * item has been passed on, so nothing is read ahead. Returning early closes every source.
 */
export async function* mergeByTime<T extends { ts: string }>(
  sources: AsyncIterator<T>[],
): AsyncGenerator<T> {
  const heads: (T | null)[] = await Promise.all(sources.map(next));
  try {
    for (;;) {
      let min = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        if (head !== null && (min === -1 || head.ts < (heads[min] as T).ts)) min = i;
      }
      if (min === -1) return;
      const item = heads[min] as T;
      heads[min] = await next(sources[min]);
      yield item;
    }
  } finally {
    await Promise.all(sources.map(async (s) => void (await s.return?.())));
  }
}

async function next<T>(source: AsyncIterator<T>): Promise<T | null> {
  const result = await source.next();
  return result.done ? null : result.value;
}
