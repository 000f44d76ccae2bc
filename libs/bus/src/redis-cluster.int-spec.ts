import { startRedisCluster, type RedisClusterHandle } from '@flotilla/testing';
import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import { RedisKeys } from '@flotilla/contracts';
import { busContract } from './bus.contract';
import { CapturingLogger, collector, rawAccess, waitFor } from './contract/contract-context';
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

describe('calculateSlot', () => {
  it('agrees with CLUSTER KEYSLOT', async () => {
    const keys = ['foo', 'a{b}c', '{}x', RedisKeys.events('web-2.prod'), RedisKeys.audit, 'é{ü}'];
    const [node] = raw.nodes('master');
    for (const key of keys) expect(calculateSlot(key)).toBe(await node.cluster('KEYSLOT', key));
  });
});

describe('a follower on a cluster', () => {
  it("reads a new group's streams without a failed first read", async () => {
    const logger = new CapturingLogger();
    const bus = createRedisBus({ url: cluster.url, mode: 'cluster', logger, name: 'test-first' });
    const seen = collector();
    const follower = bus.follower(seen.onEntries);
    // Each host is a group of its own: a new cluster connection, whose slot map is not known yet.
    const keys = ['first-a', 'first-b'].map((host) => RedisKeys.events(host));
    try {
      for (const key of keys) follower.follow(key, '0-0');
      for (const key of keys) await raw.xadd(key, '*', 'n', '1');
      await waitFor(() => keys.every((key) => seen.ids(key).length === 1), { timeoutMs: 10_000 });
      expect(logger.messages).toEqual([]);
    } finally {
      await follower.close();
      await bus.close();
      for (const key of keys) await raw.del(key);
    }
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
