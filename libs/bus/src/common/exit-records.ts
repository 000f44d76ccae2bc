import type { ExitRecord } from '@flotilla/contracts';
import type { StreamEntry } from '../ports';
import type { HostRecords } from './host-records';
import { pagesBackwards, type ReadBackwards } from './read-backwards';

/** Entries read per request while `list` filters (records hold up to 50 lines each). */
export const EXIT_PAGE = 100;

/**
 * Pages newest first through a host's exits stream with `readPage(before, count)` (`before`
 * exclusive, null from the newest) and collects the newest `limit` valid records `accept` keeps.
 */
export async function collectExits(
  records: HostRecords,
  hostId: string,
  readPage: ReadBackwards,
  limit: number,
  accept: (record: ExitRecord) => boolean,
): Promise<StreamEntry<ExitRecord>[]> {
  const out: StreamEntry<ExitRecord>[] = [];
  if (limit <= 0) return out;
  for await (const page of pagesBackwards(readPage, EXIT_PAGE)) {
    for (const entry of records.exits(hostId, page)) {
      if (accept(entry.value)) out.push(entry);
      if (out.length >= limit) return out;
    }
  }
  return out;
}
