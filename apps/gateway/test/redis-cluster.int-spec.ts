import { RedisKeys } from '@flotilla/contracts';
import { createRedisBus, type Bus } from '@flotilla/bus';
import { startAgent, loadAgentConfig, silentLogger, type AgentHandle } from '@flotilla/agent';
import {
  expectedLines,
  startRedisCluster,
  ticker,
  useTestContainers,
  waitFor,
  withoutTimestamp,
  type RedisClusterHandle,
} from '@flotilla/testing';
import Redis from 'ioredis';
import { loadGatewayConfig } from '../src/config/gateway.config';
import { startGateway, type RunningGateway } from '../src/gateway-app';
import { uniqueHostId } from './support/fleet-fixtures';
import { TEST_TUNING } from './support/gateway-harness';
import { startReplicaChild } from './support/replica-child';
import { TestClient } from './support/test-client';

jest.setTimeout(120_000);

/**
 * Agents and gateway replicas on a three-master Redis Cluster (REDIS_MODE=cluster), with the
 * replica failover scenario of agent-gateway.int-spec.ts: a replica dies mid-stream and its
 * client resumes on another with every line exactly once.
 */
describe('gateway and agent on a Redis Cluster', () => {
  const containers = useTestContainers(undefined, { cleanup: 'afterEach' });
  let cluster: RedisClusterHandle;
  let bus: Bus;
  let agent: AgentHandle;
  let survivor: RunningGateway;
  let hostId: string;
  const clients: TestClient[] = [];
  const env = (): Record<string, string> => ({
    REDIS_MODE: 'cluster',
    REDIS_URL: cluster.url,
    PORT: '0',
    LOG_LEVEL: 'error',
    WEB_DIST: '/nonexistent',
  });

  beforeAll(async () => {
    cluster = await startRedisCluster();
    bus = createRedisBus({ url: cluster.url, mode: 'cluster', name: 'test-observer' });
    hostId = uniqueHostId('cluster');
    agent = await startAgent(
      loadAgentConfig({
        REDIS_MODE: 'cluster',
        REDIS_URL: cluster.url,
        HOST_ID: hostId,
        LOG_LEVEL: 'error',
      }),
      { logger: silentLogger },
    );
    survivor = await startGateway(loadGatewayConfig(env()), {
      processMetrics: false,
      tuning: TEST_TUNING,
    });
    await waitFor(async () => (await bus.hosts.get(hostId))?.online === true, {
      timeoutMs: 20_000,
      message: 'agent online',
    });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await agent?.stop();
    await survivor?.close();
    await bus?.close();
    await cluster?.close();
  });

  it('a client whose replica is killed mid-stream resumes on another with every line exactly once', async () => {
    const victim = await startReplicaChild(env(), {
      tuning: { hostPollMs: 100, leaseRenewMs: 200 },
    });
    try {
      const c = await containers.create(ticker('tick', 0.02));
      await waitFor(async () => (await bus.snapshots.get(hostId, c.id)) !== null, {
        timeoutMs: 20_000,
        message: 'container known',
      });
      const client = await TestClient.connect(victim.url);
      clients.push(client);
      await client.request('start_log_stream', { container_id: c.id, tail: 10_000 });
      await client.waitForLines(c.id, 50, 20_000);
      await victim.kill();
      await waitFor(() => !client.socket.connected, { message: 'client noticed the crash' });
      const before = client.logLines(c.id);
      const after = client.lastEntryId(c.id);

      const resumed = await TestClient.connect(survivor.url);
      clients.push(resumed);
      await resumed.request('start_log_stream', { container_id: c.id, after });
      const more = await resumed.waitForLines(c.id, 100, 20_000);
      expect(resumed.logUpdates(c.id).some((u) => u.gap)).toBe(false);
      const all = [...before, ...more].map(withoutTimestamp);
      expect(all).toEqual(expectedLines(all.length, 'tick'));
      expect(agent.openLogStreams()).toBe(1);
    } finally {
      await victim.kill();
    }
  });

  it('runs the Socket.IO adapter on sharded channels (SSUBSCRIBE), not classic Pub/Sub', async () => {
    const counts = await Promise.all(
      cluster.nodes.map(async ({ port }) => {
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
