import { TIMINGS } from '@flotilla/contracts';
import type { RawStreamEntry } from '../codecs';
import { HostRecords } from '../common/host-records';
import { monotonicEpochMs } from '../common/bus-clock';
import { silentLogger, type BusLogger } from '../common/logger';
import { DEFAULT_RETENTION, Retention, type RetentionBudget } from '../common/retention';
import { ReplyWaiter } from '../common/reply-waiter';
import type { Bus, StreamFollower } from '../ports';
import { MemoryAlertRepository } from './memory-alert.repository';
import { MemoryAuditRepository } from './memory-audit.repository';
import { MemoryCommandRepository } from './memory-command.repository';
import { MemoryEventRepository } from './memory-event.repository';
import { MemoryHostRepository } from './memory-host.repository';
import { MemoryLeaseRepository } from './memory-lease.repository';
import { MemoryLoginRepository } from './memory-login.repository';
import { MemoryLogRepository } from './memory-log.repository';
import { MemoryPresenceRepository } from './memory-presence.repository';
import { MemoryPinRepository } from './memory-pin.repository';
import { MemoryRetainedStreams } from './memory-retained-streams';
import { MemorySearchRepository } from './memory-search.repository';
import { MemorySnapshotRepository } from './memory-snapshot.repository';
import { MemoryExitRepository } from './memory-exit.repository';
import { MemoryStatsRepository } from './memory-stats.repository';
import { MemoryStore } from './memory-store';
import { MemoryStreamFollower } from './memory-stream-follower';
import { rawEntries } from './raw-entries';
import { settle } from './settle';

export interface MemoryBusOptions {
  logger?: BusLogger;
  /** Heartbeat TTL; `TIMINGS.heartbeatTtlMs` unless a test needs it short. */
  heartbeatTtlMs?: number;
  /** Byte caps of the log and stats streams this bus appends to (`DEFAULT_RETENTION`). */
  retention?: Partial<RetentionBudget>;
}

/** The standalone bus: Redis semantics (ids, ranges, caps, TTLs, wakes) inside one process. */
export function createMemoryBus(options: MemoryBusOptions = {}): Bus {
  return createMemoryBusOn(new MemoryStore(), options);
}

/** Over a given store, so tests can plant the corrupt values Redis could hold. */
export function createMemoryBusOn(store: MemoryStore, options: MemoryBusOptions = {}): Bus {
  const logger = options.logger ?? silentLogger;
  const records = new HostRecords(logger);
  const followers = new Set<StreamFollower>();
  const follower = (
    onEntries: (key: string, entries: RawStreamEntry[]) => void,
  ): StreamFollower => {
    const created = new MemoryStreamFollower(store, onEntries, logger);
    followers.add(created);
    return created;
  };
  const replies = new ReplyWaiter({
    createFollower: follower,
    readRange: (key, after, until, count) =>
      settle(() => rawEntries(store.stream(key)?.range(after, until, count) ?? [])),
    records,
    logger,
  });
  const snapshots = new MemorySnapshotRepository(store, records);
  const retention = new Retention(new MemoryRetainedStreams(store), {
    ...DEFAULT_RETENTION,
    ...options.retention,
  });
  const hosts = new MemoryHostRepository(
    store,
    options.heartbeatTtlMs ?? TIMINGS.heartbeatTtlMs,
    records,
    logger,
  );
  return {
    hosts,
    snapshots,
    events: new MemoryEventRepository(store, snapshots, records),
    logs: new MemoryLogRepository(store, records, retention),
    stats: new MemoryStatsRepository(store, records, retention),
    leases: new MemoryLeaseRepository(store, logger),
    commands: new MemoryCommandRepository(store, replies),
    records,
    retention,
    logins: new MemoryLoginRepository(store),
    audit: new MemoryAuditRepository(store),
    alerts: new MemoryAlertRepository(store),
    exits: new MemoryExitRepository(store, records),
    search: new MemorySearchRepository(store, records),
    presence: new MemoryPresenceRepository(store, logger),
    pins: new MemoryPinRepository(store, logger),
    follower: (onEntries) => {
      store.check();
      return follower(onEntries);
    },
    time: () =>
      settle(() => {
        store.check();
        return monotonicEpochMs();
      }),
    ping: () => settle(() => store.check()),
    close: async () => {
      await hosts.close();
      await replies.close();
      await Promise.all([...followers].map((f) => f.close()));
      store.close();
    },
  };
}
