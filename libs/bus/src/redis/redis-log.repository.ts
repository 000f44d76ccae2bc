import { RedisKeys, STREAM_CAPS } from '@flotilla/contracts';
import type { RedisClient } from './connections';
import { encodeLogBatch } from '../codecs';
import { LogSequenceError } from '../common/errors';
import { EDGE_SCAN, firstValidLogEntry, tailLogEntries } from '../common/log-reads';
import type { HostRecords } from '../common/host-records';
import type { Retention } from '../common/retention';
import type { LogBatch, LogEntry, LogRepository } from '../ports';
import { toRawEntries } from './replies';

export class RedisLogRepository implements LogRepository {
  constructor(
    private readonly redis: RedisClient,
    private readonly records: HostRecords,
    private readonly retention: Retention,
  ) {}

  async append(
    hostId: string,
    containerId: string,
    firstSeq: number,
    batch: LogBatch,
  ): Promise<LogEntry> {
    const key = RedisKeys.logs(hostId, containerId);
    const { entry, fields } = encodeLogBatch(firstSeq, batch);
    try {
      await this.retention.append(
        hostId,
        'logs',
        containerId,
        entry.id,
        fields,
        STREAM_CAPS.logEntries,
      );
    } catch (error: unknown) {
      if (!(error instanceof Error) || !/equal or smaller/.test(error.message)) throw error;
      const [newest] = await this.redis.xrevrange(key, '+', '-', 'COUNT', 1);
      throw new LogSequenceError(key, entry.id, newest?.[0] ?? null);
    }
    return entry;
  }

  async last(hostId: string, containerId: string): Promise<LogEntry | null> {
    const key = RedisKeys.logs(hostId, containerId);
    // Usually the newest entry is valid: read one, and look further only when it is not.
    const newest = toRawEntries(await this.redis.xrevrange(key, '+', '-', 'COUNT', 1));
    if (newest.length === 0) return null;
    const [valid] = this.records.logs(hostId, containerId, newest);
    if (valid) return valid;
    const page = toRawEntries(await this.redis.xrevrange(key, '+', '-', 'COUNT', EDGE_SCAN));
    return firstValidLogEntry(page.slice(1), (raw) => this.records.logs(hostId, containerId, raw));
  }

  async first(hostId: string, containerId: string): Promise<LogEntry | null> {
    const key = RedisKeys.logs(hostId, containerId);
    const page = toRawEntries(await this.redis.xrange(key, '-', '+', 'COUNT', EDGE_SCAN));
    return firstValidLogEntry(page, (raw) => this.records.logs(hostId, containerId, raw));
  }

  async range(
    hostId: string,
    containerId: string,
    after: string,
    count: number,
  ): Promise<LogEntry[]> {
    const key = RedisKeys.logs(hostId, containerId);
    const entries = await this.redis.xrange(key, `(${after}`, '+', 'COUNT', count);
    return this.records.logs(hostId, containerId, toRawEntries(entries));
  }

  tail(hostId: string, containerId: string, lines: number, before?: string): Promise<LogEntry[]> {
    const key = RedisKeys.logs(hostId, containerId);
    return tailLogEntries(
      lines,
      async (before, count) =>
        toRawEntries(
          await this.redis.xrevrange(
            key,
            before === null ? '+' : `(${before}`,
            '-',
            'COUNT',
            count,
          ),
        ),
      (raw) => this.records.logs(hostId, containerId, raw),
      before ?? null,
    );
  }
}
