import { RedisKeys } from '@flotilla/contracts';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { silentLogger, type BusLogger } from './common/logger';
import { closeConnection, openConnection } from './redis/connections';
import { parseRedisAddress, type RedisMode } from './redis/redis-address';

export interface SocketIoRedisAdapterOptions {
  /** How `url` reaches Redis, as for the bus; `single` by default. */
  mode?: RedisMode;
  /**
   * Sharded Pub/Sub (SPUBLISH, Redis 7+): channels spread over a Redis Cluster's shards instead
   * of every message reaching every node. Default: on for a cluster, off otherwise.
   */
  sharded?: boolean;
  /** RESP version of the adapter's two connections; 2 by default, as the bus. */
  protocol?: 2 | 3;
  logger?: BusLogger;
  /** Prefix of the connections' names (`<name>:io-pub`, `<name>:io-sub`). */
  name?: string;
}

type AdapterFactory = ReturnType<typeof createAdapter> | ReturnType<typeof createShardedAdapter>;

export interface SocketIoRedisAdapter {
  /** Pass to `io.adapter(...)`. */
  adapter: AdapterFactory;
  /** Closes the adapter's two connections; call after `io.close()`. */
  close(): Promise<void>;
}

/**
 * The Socket.IO Redis adapter over two connections of its own (Pub/Sub needs a dedicated
 * subscriber), with Flotilla's channel prefix `RedisKeys.adapterPrefix`.
 */
export function createSocketIoRedisAdapter(
  url: string,
  options: SocketIoRedisAdapterOptions = {},
): SocketIoRedisAdapter {
  const mode = options.mode ?? 'single';
  const sharded = options.sharded ?? mode === 'cluster';
  const settings = {
    address: parseRedisAddress(mode, url),
    name: options.name ?? 'flotilla',
    protocol: options.protocol ?? 2,
    logger: options.logger ?? silentLogger,
  };
  const pub = openConnection(settings, 'io-pub');
  // A cluster client subscribes to sharded channels on each master only when asked to.
  const sub = openConnection(settings, 'io-sub', {}, { shardedSubscribers: sharded });
  const adapter = sharded
    ? createShardedAdapter(pub, sub, { channelPrefix: RedisKeys.adapterPrefix })
    : createAdapter(pub, sub, { key: RedisKeys.adapterPrefix });
  return {
    adapter,
    close: async () => {
      await Promise.all([closeConnection(pub), closeConnection(sub)]);
    },
  };
}
