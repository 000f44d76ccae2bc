import { RedisKeys, STREAM_CAPS, type AuditEvent } from '@flotilla/contracts';
import type { RedisClient } from './connections';
import { collectAudit, encodeAuditRecord } from '../common/audit-records';
import type { AuditRepository } from '../ports';
import { capped, readBackwards, toRawEntries } from './replies';

export class RedisAuditRepository implements AuditRepository {
  constructor(private readonly redis: RedisClient) {}

  async append(record: AuditEvent): Promise<string> {
    const fields = Object.entries(encodeAuditRecord(record)).flat();
    const id = await this.redis.xadd(RedisKeys.audit, ...capped(STREAM_CAPS.audit), '*', ...fields);
    if (id === null) throw new Error('XADD to the audit stream returned no id');
    return id;
  }

  list(limit: number, accept: (record: AuditEvent) => boolean): Promise<AuditEvent[]> {
    return collectAudit(readBackwards(this.redis, RedisKeys.audit), limit, accept);
  }

  window(
    sinceMs: number,
    untilMs: number,
    limit: number,
    accept: (record: AuditEvent) => boolean,
  ): Promise<AuditEvent[]> {
    if (untilMs < sinceMs) return Promise.resolve([]);
    return collectAudit(
      async (before, count) =>
        toRawEntries(
          await this.redis.xrevrange(
            RedisKeys.audit,
            before === null ? String(untilMs) : `(${before}`,
            String(sinceMs),
            'COUNT',
            count,
          ),
        ),
      limit,
      accept,
    );
  }
}
