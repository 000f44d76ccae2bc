import { decodeLogEntries, type RawStreamEntry } from '../codecs';
import type { LogEntry } from '../ports';
import type { BusLogger } from './logger';

/** Reads up to `count` entries older than `before` (null: from the newest), newest first. */
export type ReadBackwards = (before: string | null, count: number) => Promise<RawStreamEntry[]>;

const PAGE = 100;

/**
 * The newest entries covering at least `lines` lines, oldest first: pages backwards until
 * enough lines are collected or the stream is exhausted. Shared by both buses.
 */
export async function tailLogEntries(
  key: string,
  lines: number,
  readBackwards: ReadBackwards,
  logger: BusLogger,
): Promise<LogEntry[]> {
  const newestFirst: LogEntry[] = [];
  let covered = 0;
  let before: string | null = null;
  while (covered < lines) {
    const page = await readBackwards(before, PAGE);
    for (const entry of decodeLogEntries(key, page, logger)) {
      newestFirst.push(entry);
      covered += entry.n;
      if (covered >= lines) break;
    }
    const oldest = page[page.length - 1];
    if (page.length < PAGE || !oldest) break;
    before = oldest.id;
  }
  return newestFirst.reverse();
}

/** How many entries `first`/`last` look through for one that validates. */
export const EDGE_SCAN = 10;

/** The first entry of `page` that validates (a corrupt edge entry is reported and passed over). */
export function firstValidLogEntry(
  key: string,
  page: readonly RawStreamEntry[],
  logger: BusLogger,
): LogEntry | null {
  for (const raw of page) {
    const [entry] = decodeLogEntries(key, [raw], logger);
    if (entry) return entry;
  }
  return null;
}
