import type { RawStreamEntry } from '../codecs';
import type { LogEntry } from '../ports';

/** Reads up to `count` entries older than `before` (null: from the newest), newest first. */
export type ReadBackwards = (before: string | null, count: number) => Promise<RawStreamEntry[]>;
/** Decodes raw log entries, dropping (and reporting) the ones that fail (`HostRecords.logs`). */
export type DecodeLogEntries = (entries: readonly RawStreamEntry[]) => LogEntry[];

/** Pages grow from FIRST_PAGE to MAX_PAGE entries: small tails cost one small read. */
const FIRST_PAGE = 100;
const MAX_PAGE = 1_000;

/**
 * The newest entries (older than entry `start` when given) covering at least `lines` lines,
 * oldest first: pages backwards until enough lines are collected or the stream is exhausted.
 * Shared by both buses.
 */
export async function tailLogEntries(
  lines: number,
  readBackwards: ReadBackwards,
  decode: DecodeLogEntries,
  start: string | null = null,
): Promise<LogEntry[]> {
  const newestFirst: LogEntry[] = [];
  let covered = 0;
  let before: string | null = start;
  let size = FIRST_PAGE;
  while (covered < lines) {
    const page = await readBackwards(before, size);
    for (const entry of decode(page)) {
      newestFirst.push(entry);
      covered += entry.n;
      if (covered >= lines) break;
    }
    const oldest = page[page.length - 1];
    if (page.length < size || !oldest) break;
    before = oldest.id;
    size = Math.min(MAX_PAGE, size * 2);
  }
  return newestFirst.reverse();
}

/** How many entries `first`/`last` look through for one that validates. */
export const EDGE_SCAN = 10;

/** The first entry of `page` that validates (a corrupt edge entry is reported and passed over). */
export function firstValidLogEntry(
  page: readonly RawStreamEntry[],
  decode: DecodeLogEntries,
): LogEntry | null {
  for (const raw of page) {
    const [entry] = decode([raw]);
    if (entry) return entry;
  }
  return null;
}
