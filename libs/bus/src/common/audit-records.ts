import { auditEventSchema, parseJson, type AuditEvent } from '@flotilla/contracts';
import type { FieldMap, RawStreamEntry } from '../codecs';
import { pagesBackwards, type ReadBackwards } from './read-backwards';

/** The field an audit entry keeps its JSON record in (the field it has always used). */
const AUDIT_FIELD = 'e';

/** Entries read per request while `list` filters (the audit stream may hold 100 000). */
export const AUDIT_PAGE = 500;

export function encodeAuditRecord(record: AuditEvent): FieldMap {
  return { [AUDIT_FIELD]: JSON.stringify(record) };
}

/** The record an entry holds, with the entry's id; null when it is not a valid record. */
function decodeAuditEntry(entry: RawStreamEntry): AuditEvent | null {
  const text = entry.value[AUDIT_FIELD];
  if (typeof text !== 'string') return null;
  const parsed = parseJson(auditEventSchema, text);
  return parsed.ok ? { ...parsed.value, id: entry.id } : null;
}

/**
 * Pages newest first through a stream with `readPage(before, count)` (`before` exclusive, null
 * from the newest) and collects the newest `limit` valid records that `accept` keeps.
 */
export async function collectAudit(
  readPage: ReadBackwards,
  limit: number,
  accept: (record: AuditEvent) => boolean,
): Promise<AuditEvent[]> {
  const records: AuditEvent[] = [];
  if (limit <= 0) return records;
  for await (const page of pagesBackwards(readPage, AUDIT_PAGE)) {
    for (const entry of page) {
      const record = decodeAuditEntry(entry);
      if (record && accept(record)) records.push(record);
      if (records.length >= limit) return records;
    }
  }
  return records;
}
