import { RedisKeys, STREAM_CAPS, type Container, type FleetEvent } from '@flotilla/contracts';
import { encodeJson } from '../codecs';
import type { HostRecords } from '../common/host-records';
import { ZERO_ID } from '../common/stream-ids';
import type { EventRepository, StreamEntry } from '../ports';
import type { MemoryStore } from './memory-store';
import { settle } from './settle';
import type { MemorySnapshotRepository } from './memory-snapshot.repository';
import { rawEntries } from './raw-entries';
import { inWindow } from './memory-stream';

export class MemoryEventRepository implements EventRepository {
  constructor(
    private readonly store: MemoryStore,
    private readonly snapshots: MemorySnapshotRepository,
    private readonly records: HostRecords,
  ) {}

  append(hostId: string, event: FleetEvent): Promise<string> {
    return settle(() => {
      return this.store.xadd(RedisKeys.events(hostId), '*', encodeJson(event), STREAM_CAPS.events);
    });
  }

  snapshotAt(hostId: string): Promise<{ containers: Container[]; position: string }> {
    return settle(() => {
      this.store.check();
      const containers = this.snapshots.read(hostId);
      const position = this.store.stream(RedisKeys.events(hostId))?.last()?.id ?? ZERO_ID;
      return { containers, position };
    });
  }

  range(hostId: string, after: string, count: number): Promise<StreamEntry<FleetEvent>[]> {
    return settle(() => {
      this.store.check();
      const key = RedisKeys.events(hostId);
      const page = this.store.stream(key)?.range(after, null, count) ?? [];
      return this.records.events(hostId, rawEntries(page));
    });
  }

  window(
    hostId: string,
    sinceMs: number,
    untilMs: number,
    count: number,
  ): Promise<StreamEntry<FleetEvent>[]> {
    return settle(() => {
      this.store.check();
      const key = RedisKeys.events(hostId);
      const page = inWindow(this.store.stream(key), sinceMs, untilMs, count).reverse();
      return this.records.events(hostId, rawEntries(page));
    });
  }
}
