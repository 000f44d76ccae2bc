import calculateSlot from 'cluster-key-slot';
import type Redis from 'ioredis';
import { Cluster } from 'ioredis';
import type { RedisClient } from './connections';

/** Every server that holds keys: the masters of a cluster, or the one server. */
export function keyServers(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/**
 * The connection `client` sends commands on `key` over: a cluster's connection to the master
 * serving the key's slot, or the one connection. Keyless commands that must reach that very
 * server (CLIENT ID, CLIENT UNBLOCK) go through it. A cluster knows its slot map once ready, so
 * a connection still connecting is waited for; a slot no master serves after that is an error.
 */
export async function connectionFor(client: RedisClient, key: string): Promise<Redis> {
  if (!(client instanceof Cluster)) return client;
  await whenReady(client);
  const slot = calculateSlot(key);
  const [master] = client.slots[slot] ?? [];
  const node = client
    .nodes('master')
    .find((node) => `${node.options.host ?? ''}:${node.options.port ?? ''}` === master);
  if (!node) throw new Error(`no cluster master serves slot ${slot}`);
  return node;
}

/** Resolves once `cluster` is ready; rejects if it ends first. */
function whenReady(cluster: Cluster): Promise<void> {
  if (cluster.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const ready = (): void => {
      cluster.off('end', ended);
      resolve();
    };
    const ended = (): void => {
      cluster.off('ready', ready);
      reject(new Error('the cluster connection was closed'));
    };
    cluster.once('ready', ready);
    cluster.once('end', ended);
  });
}
