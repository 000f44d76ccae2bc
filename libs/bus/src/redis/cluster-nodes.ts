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
 * serving the key's slot (undefined until the slot map is known), or the one connection.
 * Keyless commands that must reach that very server (CLIENT ID, CLIENT UNBLOCK) go through it.
 */
export function connectionFor(client: RedisClient, key: string): Redis | undefined {
  if (!(client instanceof Cluster)) return client;
  const [master] = client.slots[slotOf(key)] ?? [];
  if (master === undefined) return undefined;
  return client
    .nodes('master')
    .find((node) => `${node.options.host ?? ''}:${node.options.port ?? ''}` === master);
}
