import type Redis from 'ioredis';
import { Cluster } from 'ioredis';
import type { RedisClient } from './connections';
import { hashTagOf } from './hash-tag';

/** Slots of a Redis Cluster. */
const SLOTS = 16_384;

/** CRC16-CCITT (XMODEM) lookup table, the checksum Redis Cluster hashes keys with. */
const CRC16_TABLE = Array.from({ length: 256 }, (_, byte) => {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++)
    crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  return crc;
});

/** The Redis Cluster slot of `key` (`CLUSTER KEYSLOT`). */
export function slotOf(key: string): number {
  let crc = 0;
  for (const byte of Buffer.from(hashTagOf(key), 'utf8')) {
    crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ byte) & 0xff];
  }
  return crc % SLOTS;
}

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
  const slot = slotOf(key);
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
