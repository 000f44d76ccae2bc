import type { RawStreamEntry } from '../codecs';

/** Reads up to `count` entries older than `before` (exclusive; null: from the newest), newest first. */
export type ReadBackwards = (before: string | null, count: number) => Promise<RawStreamEntry[]>;

/**
 * A stream's pages newest first (older than entry `start` when given), until a short page says the stream is exhausted; the caller
 * stops early by leaving the loop. Pages grow from `first` to `max` entries (doubling), so a
 * reader that needs little costs one small read. Shared by both buses' backward readers.
 */
export async function* pagesBackwards(
  read: ReadBackwards,
  first: number,
  max = first,
  start: string | null = null,
): AsyncGenerator<RawStreamEntry[]> {
  let before = start;
  for (let size = first; ; size = Math.min(max, size * 2)) {
    const page = await read(before, size);
    yield page;
    const oldest = page.at(-1);
    if (page.length < size || !oldest) return;
    before = oldest.id;
  }
}
