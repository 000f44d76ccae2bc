/** A throwaway master, replica and Sentinels for a test suite. */
import { infoFields, redisCli } from './redis-cli';
import { startRedis, type RedisHandle } from './redis-server';
import { waitFor } from './wait';

export interface RedisSentinelHandle {
  /** `redis+sentinel://127.0.0.1:<s1>,…/<master name>`, the form `REDIS_MODE=sentinel` reads. */
  readonly url: string;
  readonly masterName: string;
  /** The servers; which one is master changes with a failover (see `currentMaster`). */
  readonly servers: readonly RedisHandle[];
  readonly sentinels: readonly RedisHandle[];
  /** The server the Sentinels name as master now. */
  currentMaster(): Promise<RedisHandle>;
  /** Stops everything and deletes the directories. */
  close(): Promise<void>;
}

const MASTER_NAME = 'flotilla';

/**
 * Starts a master, one replica of it and `sentinels` (default 3, quorum 2) Debian
 * `redis-sentinel`s watching it, with short timeouts (down after 1 s) so a test's failover takes
 * seconds. Resolves once the replica is in sync and every Sentinel knows the replica and its
 * peers.
 */
export async function startRedisSentinel(
  opts: { sentinels?: number; downAfterMs?: number; startTimeoutMs?: number } = {},
): Promise<RedisSentinelHandle> {
  const sentinelCount = opts.sentinels ?? 3;
  const quorum = Math.floor(sentinelCount / 2) + 1;
  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  const servers: RedisHandle[] = [];
  const sentinels: RedisHandle[] = [];
  const close = async (): Promise<void> => {
    await Promise.all([...sentinels, ...servers].map((handle) => handle.close()));
  };
  try {
    const master = await startRedis();
    servers.push(master);
    // A restarted old master must rejoin as a replica, which Sentinel tells it to be.
    servers.push(await startRedis({ args: ['--replicaof', '127.0.0.1', String(master.port)] }));
    await waitFor(
      async () =>
        infoFields(await redisCli(servers[1].port, ['INFO', 'replication'])).get(
          'master_link_status',
        ) === 'up',
      { timeoutMs, intervalMs: 50, message: 'the replica to sync' },
    );
    const config = [
      `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${master.port} ${quorum}`,
      `sentinel down-after-milliseconds ${MASTER_NAME} ${opts.downAfterMs ?? 1_000}`,
      `sentinel failover-timeout ${MASTER_NAME} 10000`,
      `sentinel parallel-syncs ${MASTER_NAME} 1`,
      '',
    ].join('\n');
    for (let i = 0; i < sentinelCount; i++) {
      sentinels.push(await startRedis({ sentinelConfig: config }));
    }
    for (const sentinel of sentinels) {
      await waitFor(
        async () => {
          const fields = infoFields(
            await redisCli(sentinel.port, ['SENTINEL', 'MASTER', MASTER_NAME]).then(pairsToInfo),
          );
          return (
            fields.get('num-slaves') === '1' &&
            fields.get('num-other-sentinels') === String(sentinelCount - 1)
          );
        },
        {
          timeoutMs,
          intervalMs: 100,
          message: `sentinel on port ${sentinel.port} to see everyone`,
        },
      );
    }
  } catch (error: unknown) {
    await close();
    throw error;
  }
  const currentMaster = async (): Promise<RedisHandle> => {
    for (const sentinel of sentinels) {
      if (!sentinel.running) continue;
      const reply = await redisCli(sentinel.port, [
        'SENTINEL',
        'GET-MASTER-ADDR-BY-NAME',
        MASTER_NAME,
      ]);
      const port = Number(reply.trim().split(/\r?\n/)[1]);
      const server = servers.find((s) => s.port === port);
      if (server) return server;
    }
    throw new Error('no sentinel names a known master');
  };
  return {
    url: `redis+sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/${MASTER_NAME}`,
    masterName: MASTER_NAME,
    servers,
    sentinels,
    currentMaster,
    close,
  };
}

/** redis-cli prints a flat reply one value a line: pairs them as `name:value` lines. */
function pairsToInfo(text: string): string {
  const values = text.split(/\r?\n/);
  const lines: string[] = [];
  for (let i = 0; i + 1 < values.length; i += 2) lines.push(`${values[i]}:${values[i + 1]}`);
  return lines.join('\n');
}
