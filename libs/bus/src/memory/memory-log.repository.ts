import { RedisKeys, STREAM_CAPS } from '@flotilla/contracts';
import { encodeLogBatch } from '../codecs';
import { LogSequenceError } from '../common/errors';
import { EDGE_SCAN, firstValidLogEntry, tailLogEntries } from '../common/log-reads';
import type { HostRecords } from '../common/host-records';
import type { Retention } from '../common/retention';
import { compareStreamIds } from '../common/stream-ids';
import type { LogBatch, LogEntry, LogRepository } from '../ports';
import type { MemoryStore } from './memory-store';
import { rawEntries } from './raw-entries';
import { settle } from './settle';

export class MemoryLogRepository implements LogRepository {
  constructor(
    private readonly store: MemoryStore,
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
    const { entry, fields } = await settle(() => {
      const encoded = encodeLogBatch(firstSeq, batch);
      const lastId = this.store.stream(key)?.lastId;
      if (lastId !== undefined && compareStreamIds(encoded.entry.id, lastId) <= 0) {
        throw new LogSequenceError(key, encoded.entry.id, lastId);
      }
      return encoded;
    });
    await this.retention.append(
      hostId,
      'logs',
      containerId,
      entry.id,
      fields,
      STREAM_CAPS.logEntries,
    );
    return entry;
  }

  last(hostId: string, containerId: string): Promise<LogEntry | null> {
    return settle(() => {
      const key = RedisKeys.logs(hostId, containerId);
      const page = this.store.stream(key)?.revRange(null, EDGE_SCAN) ?? [];
      return firstValidLogEntry(rawEntries(page), (raw) =>
        this.records.logs(hostId, containerId, raw),
      );
    });
  }

  first(hostId: string, containerId: string): Promise<LogEntry | null> {
    return settle(() => {
      const key = RedisKeys.logs(hostId, containerId);
      const page = this.store.stream(key)?.range(null, null, EDGE_SCAN) ?? [];
      return firstValidLogEntry(rawEntries(page), (raw) =>
        this.records.logs(hostId, containerId, raw),
      );
    });
  }

  range(hostId: string, containerId: string, after: string, count: number): Promise<LogEntry[]> {
    return settle(() => {
      this.store.check();
      const key = RedisKeys.logs(hostId, containerId);
      const page = this.store.stream(key)?.range(after, null, count) ?? [];
      return this.records.logs(hostId, containerId, rawEntries(page));
    });
  }

  tail(hostId: string, containerId: string, lines: number, before?: string): Promise<LogEntry[]> {
    const key = RedisKeys.logs(hostId, containerId);
    return tailLogEntries(
      lines,
      (before, count) =>
        settle(() => {
          this.store.check();
          return rawEntries(this.store.stream(key)?.revRange(before, count) ?? []);
        }),
      (raw) => this.records.logs(hostId, containerId, raw),
      before ?? null,
    );
  }
}
