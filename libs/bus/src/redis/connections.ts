import Redis, { Cluster, type RedisOptions } from 'ioredis';
import { type BusLogger } from '../common/logger';
import { describeError } from '@flotilla/logging';
import type { RedisAddress } from './redis-address';

/** A connection to one server (single, or the Sentinels' current master) or to a Redis Cluster. */
export type RedisClient = Redis | Cluster;

export interface ConnectionSettings {
  address: RedisAddress;
  /** Prefix of every connection's CLIENT SETNAME, so `CLIENT LIST` shows who is who. */
  name: string;
  protocol: 2 | 3;
  logger: BusLogger;
}

/**
 * Opens one connection. Reply shapes: only typed commands are used (`xread`, `xrange`, ...),
 * whose replies ioredis 6 maps to the same shapes under RESP2 and RESP3; a raw `call('XREAD')`
 * would not be (RESP3 returns a map, flattened to `[key, entries, ...]`).
 */
export function openConnection(
  settings: ConnectionSettings,
  role: string,
  extra: RedisOptions = {},
  clusterExtra: { shardedSubscribers?: boolean } = {},
): RedisClient {
  // CLIENT SETNAME refuses spaces; keep names to a safe alphabet.
  const connectionName = `${settings.name}:${role}`.replace(/[^A-Za-z0-9._:-]/g, '-');
  const options: RedisOptions = {
    protocol: settings.protocol,
    connectionName,
    // disconnect() arms a timer of this length even on a socket that is already gone (while
    // reconnecting), which would hold the process open that long after close().
    disconnectTimeout: 200,
    ...extra,
  };
  const address = settings.address;
  let client: RedisClient;
  if (address.mode === 'single') {
    client = new Redis(address.url, options);
  } else if (address.mode === 'cluster') {
    client = new Cluster(address.seeds, {
      redisOptions: { ...options, ...credentialsOf(address) },
      ...clusterExtra,
    });
  } else {
    client = new Redis({
      ...options,
      ...credentialsOf(address),
      sentinels: address.sentinels,
      name: address.masterName,
      ...(address.sentinelPassword !== undefined
        ? { sentinelPassword: address.sentinelPassword }
        : {}),
      enableTLSForSentinelMode: address.tls,
      // Every reconnect asks the Sentinels for the master. Not `failoverDetector`: its
      // disconnect on +switch-master, landing while a connection is already reconnecting (its
      // master died), ends that connection for good ("Connection is closed.").
      // A master demoted by a planned failover answers writes with READONLY: reconnect (the
      // Sentinels then name the new master) and send the command again.
      reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
    });
  }
  reportOutages(client, connectionName, settings.logger);
  return client;
}

function credentialsOf(address: {
  username?: string;
  password?: string;
  tls: boolean;
}): RedisOptions {
  return {
    ...(address.username !== undefined ? { username: address.username } : {}),
    ...(address.password !== undefined ? { password: address.password } : {}),
    ...(address.tls ? { tls: {} } : {}),
  };
}

/** One warning per outage (ioredis emits an error per reconnect attempt), one line on recovery. */
function reportOutages(client: RedisClient, name: string, logger: BusLogger): void {
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn(`redis connection ${name}: ${describeError(error)}`);
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.log?.(`redis connection ${name} is back`);
  });
}

/**
 * Closes a connection without hanging: QUIT when connected (pending replies still arrive),
 * otherwise disconnect. ioredis leaves commands queued while it was reconnecting pending forever
 * after `disconnect()`, and a disconnect during reconnecting leaves it "reconnecting", queueing
 * every later command forever too: so the queue is failed and no command is queued again.
 */
export async function closeConnection(client: RedisClient): Promise<void> {
  client.options.enableOfflineQueue = false;
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // Fall through: the socket is gone anyway.
    }
  }
  client.disconnect();
  const internal = client as unknown as { flushQueue?: (error: Error) => void };
  internal.flushQueue?.(new Error('Connection is closed.'));
}
