import { TIMINGS } from '@flotilla/contracts';
import type { RawStreamEntry } from '../codecs';
import { redisClock } from '../common/bus-clock';
import { BusClosedError } from '../common/errors';
import { HostRecords } from '../common/host-records';
import { DEFAULT_RETENTION, Retention, type RetentionBudget } from '../common/retention';
import { silentLogger, type BusLogger } from '../common/logger';
import { ReplyWaiter } from '../common/reply-waiter';
import type { Bus, StreamFollower } from '../ports';
import { connectionFor } from './cluster-nodes';
import {
  closeConnection,
  openConnection,
  type ConnectionSettings,
  type RedisClient,
} from './connections';
import { parseRedisAddress, type RedisMode } from './redis-address';
import { RedisAlertRepository } from './redis-alert.repository';
import { RedisAuditRepository } from './redis-audit.repository';
import { RedisCommandRepository } from './redis-command.repository';
import { RedisEventRepository } from './redis-event.repository';
import { RedisHostRepository } from './redis-host.repository';
import { RedisLeaseRepository } from './redis-lease.repository';
import { RedisLoginRepository } from './redis-login.repository';
import { RedisLogRepository } from './redis-log.repository';
import { RedisSearchRepository } from './redis-search.repository';
import { RedisPresenceRepository } from './redis-presence.repository';
import { RedisPinRepository } from './redis-pin.repository';
import { RedisRetainedStreams } from './redis-retained-streams';
import { RedisSnapshotRepository } from './redis-snapshot.repository';
import { RedisExitRepository } from './redis-exit.repository';
import { RedisStatsRepository } from './redis-stats.repository';
import { RedisStreamFollower } from './redis-stream-follower';
import { SlotGroupedFollower } from './slot-grouped-follower';
import { toRawEntries } from './replies';
import { WakeHub } from './wake-hub';

export interface RedisBusOptions {
  /** As `mode` reads it (see `REDIS_URL_FORMS`): `redis://[user:password@]host:port[/db]` for one server. */
  url: string;
  /** One server (default), a Redis Cluster, or a master found through Sentinels. */
  mode?: RedisMode;
  logger?: BusLogger;
  /** Names the connections (`CLIENT LIST`): `<name>:cmd`, `<name>:wake`, `<name>:follow`. */
  name?: string;
  /**
   * RESP version. 2 by default: every reply shape the bus reads is the same under both with
   * ioredis 6 (the contract tests run under both), and RESP2 also works through proxies and
   * Redis versions without HELLO 3.
   */
  protocol?: 2 | 3;
  /** Heartbeat TTL; `TIMINGS.heartbeatTtlMs` unless a test needs it short. */
  heartbeatTtlMs?: number;
  /** Longest XREAD BLOCK of a follower (see RedisStreamFollower); 5 s by default. */
  followerBlockMs?: number;
  /** Byte caps of the log and stats streams this bus appends to (`DEFAULT_RETENTION`). */
  retention?: Partial<RetentionBudget>;
  /**
   * Interrupt a follower's blocked read with CLIENT UNBLOCK when its streams change (true by
   * default). Agents pass false: CLIENT UNBLOCK can end any connection's read, so their ACL has
   * no CLIENT command but SETNAME, and their one followed stream never changes while read.
   */
  interruptFollowers?: boolean;
}

/** How long `ping()` waits for an answer before reporting the bus not ready. */
const PING_TIMEOUT_MS = 2_000;

/**
 * The fleet bus over Redis: one command connection shared by every repository, one subscriber
 * connection (opened on the first `onWake`), and one connection per stream follower, including
 * the one behind every `awaitReply` of this bus. On a Redis Cluster a follower holds one
 * connection per slot holding streams it follows, one host's streams sharing a slot (see
 * SlotGroupedFollower). Throws `RedisAddressError` when `url` is not of the form `mode` expects.
 */
export function createRedisBus(options: RedisBusOptions): Bus {
  const logger = options.logger ?? silentLogger;
  const address = parseRedisAddress(options.mode ?? 'single', options.url);
  const settings: ConnectionSettings = {
    address,
    name: options.name ?? 'flotilla',
    protocol: options.protocol ?? 2,
    logger,
  };
  const records = new HostRecords(logger);
  const command = openConnection(settings, 'cmd');
  const wakes = new WakeHub(() => openConnection(settings, 'wake'), logger);
  const followers = new Set<StreamFollower>();
  let closed = false;

  /** One RedisStreamFollower over a connection of its own; on a cluster, for one slot's keys. */
  const streamFollower = (
    onEntries: (key: string, entries: RawStreamEntry[]) => void,
    onClose?: () => void,
    slotKey?: string,
  ): RedisStreamFollower => {
    // Waits out outages instead of failing reads after a number of retries.
    const connection = openConnection(settings, 'follow', { maxRetriesPerRequest: null });
    const on = async (client: RedisClient): Promise<RedisClient> =>
      slotKey === undefined ? client : connectionFor(client, slotKey);
    return new RedisStreamFollower(
      {
        connection,
        unblock:
          options.interruptFollowers === false
            ? undefined
            : async (clientId) => Number(await (await on(command)).client('UNBLOCK', clientId)),
        clientId: async () => (await on(connection)).client('ID'),
        logger,
        blockMs: options.followerBlockMs ?? 5_000,
        onClose,
      },
      onEntries,
    );
  };

  const follower = (
    onEntries: (key: string, entries: RawStreamEntry[]) => void,
  ): StreamFollower => {
    if (closed) throw new BusClosedError();
    const created: StreamFollower =
      address.mode === 'cluster'
        ? new SlotGroupedFollower(
            (slotKey) => streamFollower(onEntries, undefined, slotKey),
            () => followers.delete(created),
          )
        : streamFollower(onEntries, () => followers.delete(created));
    followers.add(created);
    return created;
  };

  const replies = new ReplyWaiter({
    createFollower: follower,
    readRange: async (key, after, until, count) =>
      toRawEntries(await command.xrange(key, `(${after}`, until, 'COUNT', count)),
    records,
    logger,
  });
  const snapshots = new RedisSnapshotRepository(command, records);
  const time = redisClock(command);
  const retention = new Retention(new RedisRetainedStreams(command), {
    ...DEFAULT_RETENTION,
    ...options.retention,
  });
  const hosts = new RedisHostRepository(
    command,
    wakes,
    options.heartbeatTtlMs ?? TIMINGS.heartbeatTtlMs,
    records,
    logger,
  );

  return {
    hosts,
    snapshots,
    events: new RedisEventRepository(command, snapshots, records),
    logs: new RedisLogRepository(command, records, retention),
    stats: new RedisStatsRepository(command, records, retention),
    leases: new RedisLeaseRepository(command, wakes, time),
    commands: new RedisCommandRepository(command, replies),
    records,
    retention,
    logins: new RedisLoginRepository(command),
    audit: new RedisAuditRepository(command),
    alerts: new RedisAlertRepository(command),
    exits: new RedisExitRepository(command, records),
    search: new RedisSearchRepository(command, records),
    presence: new RedisPresenceRepository(command, time, logger),
    pins: new RedisPinRepository(command, logger),
    follower,
    time,
    ping: () => ping(command),
    close: async () => {
      if (closed) return;
      closed = true;
      await hosts.close();
      await replies.close();
      await Promise.all([...followers].map((f) => f.close()));
      await Promise.all([closeConnection(command), wakes.close()]);
    },
  };
}

/** Fails at once while reconnecting (readiness must not hang), else waits a bounded time. */
async function ping(command: RedisClient): Promise<void> {
  if (command.status === 'reconnecting' || command.status === 'end' || command.status === 'close') {
    throw new Error(`redis is not connected (${command.status})`);
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`redis did not answer PING within ${PING_TIMEOUT_MS} ms`)),
      PING_TIMEOUT_MS,
    );
  });
  const answer = command.ping();
  // Should the timeout win, a late failure of the PING must not surface as an unhandled rejection.
  answer.catch(() => undefined);
  try {
    await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
