import type Docker from 'dockerode';
import {
  expectedLines,
  floodLines,
  startRedis,
  startRedisCluster,
  ticker,
  useTestContainers,
  waitFor,
  withoutTimestamp,
  SLEEP_FOREVER,
} from '@flotilla/testing';
import type { AgentHandle } from '@flotilla/agent';
import { startHarness, type Harness, type HarnessRedis } from './support/gateway-harness';
import { startRealAgent } from './support/real-agent';
import { startReplicaChild, type ReplicaChild } from './support/replica-child';
import { TestClient } from './support/test-client';

jest.setTimeout(90_000);

/** Runs `touch path` in the container (a go signal to its script). */
async function touch(container: Docker.Container, path: string): Promise<void> {
  const exec = await container.exec({
    Cmd: ['touch', path],
    AttachStdout: false,
    AttachStderr: false,
  });
  // The detached start still answers with a stream; left open it keeps the process alive.
  const stream = (await exec.start({ Detach: true })) as unknown as
    { destroy?: () => void } | undefined;
  stream?.destroy?.();
  await waitFor(async () => !(await exec.inspect()).Running, {
    timeoutMs: 5_000,
    message: `touch ${path}`,
  });
}

describe('gateway with a real agent and real containers (end to end)', () => {
  const containers = useTestContainers(undefined, { cleanup: 'afterEach' });
  let h: Harness;
  let agent: AgentHandle;
  let hostId: string;

  beforeAll(async () => {
    h = await startHarness({ replicas: 2 });
    ({ agent, hostId } = await startRealAgent(h, 'e2e'));
  });

  afterAll(async () => {
    await agent?.stop();
    await h?.close();
  });

  /** Waits until the agent's snapshot (and so the gateway) knows the container. */
  const known = (id: string) =>
    waitFor(async () => (await h.bus.snapshots.get(hostId, id)) !== null, {
      timeoutMs: 10_000,
      message: 'container known',
    });

  it('twenty clients on two replicas watching one container share one Docker log stream', async () => {
    const c = await containers.create(
      `while [ ! -f /tmp/go ]; do sleep 0.05; done; ${floodLines(3_000, 'line')}; ${SLEEP_FOREVER}`,
    );
    await known(c.id);
    const clients = await Promise.all(Array.from({ length: 20 }, (_, i) => h.connect(i % 2)));
    await Promise.all(
      clients.map((client) => client.request('start_log_stream', { container_id: c.id })),
    );
    await waitFor(() => agent.followedLogs().includes(c.id), {
      timeoutMs: 10_000,
      message: 'the agent follows the log',
    });
    await touch(c, '/tmp/go');
    for (const client of clients) {
      const lines = await client.waitForLines(c.id, 3_000, 20_000);
      expect(lines.map(withoutTimestamp)).toEqual(expectedLines(3_000, 'line'));
    }
    expect(agent.openLogStreams()).toBe(1);
    expect(agent.followedLogs()).toEqual([c.id]);
    expect(
      h.gateways.map((g) => g.inspect().logChannels.find((ch) => ch.key.endsWith(c.id))?.viewers),
    ).toEqual([10, 10]);

    for (const client of clients) client.close();
    await waitFor(() => agent.openLogStreams() === 0, {
      timeoutMs: 10_000,
      message: 'the agent let go of the stream',
    });
  });
});

/**
 * A replica killed mid-stream, on one redis-server and on a three-master Redis Cluster
 * (REDIS_MODE=cluster).
 */
describe.each<[string, () => Promise<HarnessRedis>]>([
  ['one redis-server', startRedis],
  ['a Redis Cluster', async () => ({ ...(await startRedisCluster()), mode: 'cluster' })],
])('replica failover on %s', (_name, redis) => {
  const containers = useTestContainers(undefined, { cleanup: 'afterEach' });
  let h: Harness<HarnessRedis>;
  let agent: AgentHandle;
  let hostId: string;

  beforeAll(async () => {
    h = await startHarness({ redis: await redis(), replicas: 2 });
    ({ agent, hostId } = await startRealAgent(h, 'failover'));
  });

  afterAll(async () => {
    await agent?.stop();
    await h?.close();
  });

  const known = (id: string) =>
    waitFor(async () => (await h.bus.snapshots.get(hostId, id)) !== null, {
      timeoutMs: 20_000,
      message: 'container known',
    });

  it('a client whose replica is killed mid-stream resumes on another with every line exactly once', async () => {
    const victim: ReplicaChild = await startReplicaChild(
      { ...h.redisEnv, PORT: '0', LOG_LEVEL: 'error', WEB_DIST: '/nonexistent' },
      { tuning: { hostPollMs: 100, leaseRenewMs: 200 } },
    );
    try {
      const c = await containers.create(ticker('tick', 0.02));
      await known(c.id);
      const client = await TestClient.connect(victim.url);
      h.clients.push(client);
      await client.request('start_log_stream', { container_id: c.id, tail: 10_000 });
      await client.waitForLines(c.id, 50, 20_000);
      await victim.kill();
      await waitFor(() => !client.socket.connected, { message: 'client noticed the crash' });
      const before = client.logLines(c.id);
      const after = client.lastEntryId(c.id);

      const resumed = await h.connect(1);
      await resumed.request('start_log_stream', { container_id: c.id, after });
      const more = await resumed.waitForLines(c.id, 100, 20_000);
      expect(resumed.logUpdates(c.id).some((u) => u.gap)).toBe(false);
      const all = [...before, ...more].map(withoutTimestamp);
      expect(all).toEqual(expectedLines(all.length, 'tick'));
      expect(agent.openLogStreams()).toBe(1);
      resumed.close();
    } finally {
      await victim.kill();
    }
  });
});
