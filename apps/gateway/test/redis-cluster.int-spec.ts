import { RedisKeys } from '@flotilla/contracts';
import { startRedisCluster, type RedisClusterHandle } from '@flotilla/testing';
import Redis from 'ioredis';
import { startHarness, type Harness } from './support/gateway-harness';

jest.setTimeout(120_000);

/**
 * Gateway replicas on a three-master Redis Cluster (REDIS_MODE=cluster). The replica failover
 * scenario runs on a cluster in agent-gateway.int-spec.ts.
 */
describe('gateway on a Redis Cluster', () => {
  let h: Harness<RedisClusterHandle & { mode: 'cluster' }>;

  beforeAll(async () => {
    h = await startHarness({
      redis: { ...(await startRedisCluster()), mode: 'cluster' },
      env: { LOG_LEVEL: 'error' },
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('runs the Socket.IO adapter on sharded channels (SSUBSCRIBE), not classic Pub/Sub', async () => {
    const counts = await Promise.all(
      h.redis.nodes.map(async ({ port }) => {
        const node = new Redis(port, '127.0.0.1');
        try {
          const [sharded, classic] = await Promise.all([
            node.pubsub('SHARDCHANNELS', `${RedisKeys.adapterPrefix}*`) as Promise<string[]>,
            node.pubsub('CHANNELS', `${RedisKeys.adapterPrefix}*`) as Promise<string[]>,
          ]);
          return { sharded: sharded.length, classic: classic.length };
        } finally {
          await node.quit();
        }
      }),
    );
    expect(counts.reduce((sum, c) => sum + c.sharded, 0)).toBeGreaterThan(0);
    expect(counts.reduce((sum, c) => sum + c.classic, 0)).toBe(0);
  });
});
