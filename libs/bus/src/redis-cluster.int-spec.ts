import { startRedisCluster, type RedisClusterHandle } from '@flotilla/testing';
import { Cluster } from 'ioredis';
import { RedisKeys } from '@flotilla/contracts';
import { busContract } from './bus.contract';
import { rawAccess } from './contract/contract-context';
import { slotOf } from './redis/cluster-nodes';
import { createRedisBus } from './redis/redis-bus';

/**
 * The bus contract on a three-master Redis Cluster: any command or transaction that spans two
 * slots (keys of one host without their shared hash tag, an XREAD over several hosts' streams,
 * an MGET across hosts) fails here with CROSSSLOT.
 */
let cluster: RedisClusterHandle;
let raw: Cluster;

beforeAll(async () => {
  cluster = await startRedisCluster();
  raw = new Cluster(cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })));
}, 60_000);

afterAll(async () => {
  await raw?.quit();
  await cluster?.close();
});

describe('slotOf', () => {
  it('agrees with CLUSTER KEYSLOT', async () => {
    const keys = ['foo', 'a{b}c', '{}x', RedisKeys.events('web-2.prod'), RedisKeys.audit, 'é{ü}'];
    const [node] = raw.nodes('master');
    for (const key of keys) expect(slotOf(key)).toBe(await node.cluster('KEYSLOT', key));
  });
});

busContract('redis cluster (3 masters)', ({ logger, heartbeatTtlMs, retention }) => {
  const bus = createRedisBus({
    url: cluster.url,
    mode: 'cluster',
    logger,
    heartbeatTtlMs,
    retention,
    name: 'test-cluster',
  });
  return Promise.resolve({
    bus,
    raw: rawAccess(raw),
    close: () => bus.close(),
  });
});
