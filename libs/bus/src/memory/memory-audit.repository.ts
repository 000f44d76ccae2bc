import { RedisKeys, STREAM_CAPS, type AuditEvent } from '@flotilla/contracts';
import { collectAudit, encodeAuditRecord } from '../common/audit-records';
import type { AuditRepository } from '../ports';
import type { MemoryStore } from './memory-store';
import { rawEntries, readBackwards } from './raw-entries';
import { inWindow } from './memory-stream';
import { settle } from './settle';

export class MemoryAuditRepository implements AuditRepository {
  constructor(private readonly store: MemoryStore) {}

  append(record: AuditEvent): Promise<string> {
    return settle(() =>
      this.store.xadd(RedisKeys.audit, '*', encodeAuditRecord(record), STREAM_CAPS.audit),
    );
  }

  list(limit: number, accept: (record: AuditEvent) => boolean): Promise<AuditEvent[]> {
    return collectAudit(readBackwards(this.store, RedisKeys.audit), limit, accept);
  }

  window(
    sinceMs: number,
    untilMs: number,
    limit: number,
    accept: (record: AuditEvent) => boolean,
  ): Promise<AuditEvent[]> {
    return collectAudit(
      (before, count) =>
        settle(() =>
          rawEntries(inWindow(this.store.stream(RedisKeys.audit), sinceMs, untilMs, count, before)),
        ),
      limit,
      accept,
    );
  }
}
