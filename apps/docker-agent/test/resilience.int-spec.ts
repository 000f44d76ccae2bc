import Redis from 'ioredis';
import type { Bus } from '@flotilla/bus';
import {
  readContainerLines,
  SLEEP_FOREVER,
  startRedis,
  startSecondDockerd,
  ticker,
  useTestContainers,
  waitFor,
  type RedisHandle,
  type SecondDockerd,
} from '@flotilla/testing';
import type { AgentEvent } from '../src/agent-metrics';
import {
  agentConfig,
  dockerLogLines,
  holdLease,
  Resources,
  storedLogs,
  uniqueHostId,
  waitForLines,
} from './agent-harness';

jest.setTimeout(90_000);

/**
 * Two engines and a Redis that tests kill: a fleet of two hosts in one Redis, and the agent
 * surviving the loss and return of dockerd and of Redis without a duplicate or a gap.
 */
describe('agent fleet and self-healing (two dockerd engines, real Redis)', () => {
  let second: SecondDockerd;
  const mainContainers = useTestContainers();
  const res = new Resources();
  const releases: (() => Promise<void>)[] = [];
  let redis: RedisHandle;
  let bus: Bus;

  beforeAll(async () => {
    // Persistent Redis (every write synced): a killed Redis comes back with what it acknowledged.
    [redis, second] = await Promise.all([
      startRedis({ args: ['--appendonly', 'yes', '--appendfsync', 'always'] }),
      startSecondDockerd(),
    ]);
    bus = res.bus(redis.url);
  }, 60_000);
  // Registered after the engine's start, so its hooks find the engine.
  const secondContainers = useTestContainers(() => second.docker);
  afterEach(async () => {
    await Promise.allSettled(releases.splice(0).map((r) => r()));
    await res.closeAgents();
  });
  afterAll(async () => {
    await res.closeAll();
    await Promise.allSettled([redis?.close(), second?.close()]);
  }, 60_000);

  const secondConfig = (hostId: string) =>
    agentConfig(redis.url, hostId, { DOCKER_HOST: `unix://${second.socketPath}` });

  /** Until the stored log holds exactly Docker's own log of the container; returns the lines. */
  const storedEqualsDocker = (
    hostId: string,
    c: import('dockerode').Container,
    timeoutMs = 20_000,
  ) =>
    waitFor(
      async () => {
        const [stored, docker] = await Promise.all([
          storedLogs(bus, hostId, c.id),
          dockerLogLines(c),
        ]);
        return stored.lines.length === docker.length &&
          stored.lines.every((l, i) => l === docker[i])
          ? stored
          : null;
      },
      { timeoutMs, intervalMs: 200, message: 'the stored log to equal Docker’s own log' },
    ).catch(async (error: unknown) => {
      const [stored, docker] = await Promise.all([
        storedLogs(bus, hostId, c.id),
        dockerLogLines(c),
      ]);
      const firstDiff = stored.lines.findIndex((l, i) => l !== docker[i]);
      throw new Error(
        `${(error as Error).message}: stored ${stored.lines.length}, docker ${docker.length}, first difference at ${firstDiff}: ` +
          `${JSON.stringify(stored.lines[firstDiff])} vs ${JSON.stringify(docker[firstDiff])}`,
      );
    });

  it('runs two agents on two engines into one Redis under their own host ids', async () => {
    const hostA = uniqueHostId('fleet-a');
    const hostB = uniqueHostId('fleet-b');
    await res.agent(agentConfig(redis.url, hostA));
    await res.agent(secondConfig(hostB));
    const onA = await mainContainers.create(SLEEP_FOREVER);
    const onB = await secondContainers.create(SLEEP_FOREVER);
    const ids = async (host: string) =>
      new Set((await bus.snapshots.list(host)).map((c) => c.container_id));
    await waitFor(async () => (await ids(hostA)).has(onA.id) && (await ids(hostB)).has(onB.id), {
      timeoutMs: 15_000,
      message: 'each container in its host snapshot',
    });
    expect((await ids(hostA)).has(onB.id)).toBe(false);
    expect((await ids(hostB)).has(onA.id)).toBe(false);
    expect((await bus.snapshots.get(hostB, onB.id))?.host_id).toBe(hostB);
    const hosts = await waitFor(
      async () => {
        const list = await Promise.all([bus.hosts.get(hostA), bus.hosts.get(hostB)]);
        return list.every((h) => h?.online) ? list : null;
      },
      { timeoutMs: 10_000, message: 'both hosts online' },
    );
    expect(hosts[1]?.engine.address).toBe(`unix://${second.socketPath}`);
  });

  it('survives dockerd killed and restarted mid-stream: resyncs and re-follows with no duplicate and no gap', async () => {
    const hostId = uniqueHostId('dockerd');
    const agent = await res.agent(secondConfig(hostId));
    const events: AgentEvent[] = [];
    agent.metrics.on('agent', (e: AgentEvent) => events.push(e));
    await waitFor(() => agent.counters().resyncs >= 1, {
      timeoutMs: 10_000,
      message: 'first resync',
    });
    const c = await secondContainers.create(ticker('t', 0.01), { autoStart: false });
    await waitFor(async () => (await bus.snapshots.get(hostId, c.id)) !== null, {
      timeoutMs: 10_000,
    });
    releases.push(await holdLease(bus, 'logs', hostId, c.id));
    await waitFor(() => agent.followedLogs().includes(c.id), {
      message: 'the agent follows the container',
    });
    await c.start();
    await waitForLines(bus, hostId, c.id, 100);

    await second.kill();
    await waitFor(() => events.some((e) => e.type === 'docker-lost'), {
      timeoutMs: 10_000,
      message: 'the agent saw dockerd go',
    });
    await second.restart();
    // Without live-restore the container does not outlive its engine: start it again.
    const after = await waitFor(async () => (await c.inspect()).State, {
      timeoutMs: 20_000,
      message: 'the container known again',
    });
    if (!after.Running) await c.start();
    await waitFor(() => agent.counters().dockerConnects >= 2 && agent.counters().resyncs >= 2, {
      timeoutMs: 20_000,
      message: 'reconnected and resynced',
    });
    const beforeStop = (await storedLogs(bus, hostId, c.id)).lines.length;
    await waitForLines(bus, hostId, c.id, beforeStop + 50);
    await c.stop({ t: 0 });
    const stored = await storedEqualsDocker(hostId, c);
    expect(stored.entries[stored.entries.length - 1].seq).toBe(stored.lines.length);
    expect((await bus.snapshots.get(hostId, c.id))?.state).toBe('exited');
    // The Docker stream ends on its own once the container has stopped; that takes a moment.
    await waitFor(() => agent.openLogStreams() === 0, {
      timeoutMs: 10_000,
      message: 'the log stream of the stopped container closes',
    });
  });

  it('survives Redis killed and restarted mid-stream: logs continue with no duplicate and no gap, host and snapshot rewritten', async () => {
    const hostId = uniqueHostId('redis');
    const agent = await res.agent(agentConfig(redis.url, hostId));
    await waitFor(() => agent.counters().resyncs >= 1, {
      timeoutMs: 10_000,
      message: 'first resync',
    });
    const c = await mainContainers.create(ticker('r', 0.01), { autoStart: false });
    await waitFor(async () => (await bus.snapshots.get(hostId, c.id)) !== null, {
      timeoutMs: 10_000,
    });
    releases.push(await holdLease(bus, 'logs', hostId, c.id));
    await waitFor(() => agent.followedLogs().includes(c.id), {
      message: 'the agent follows the container',
    });
    await c.start();
    await waitForLines(bus, hostId, c.id, 100);
    const recoveries = agent.counters().busRecoveries;

    await redis.kill();
    // The container goes on printing while Redis is away.
    const printed = (await readContainerLines(c)).length;
    await waitFor(async () => (await readContainerLines(c)).length > printed + 100, {
      timeoutMs: 10_000,
    });
    await waitFor(() => agent.counters().busOutages > 0, {
      timeoutMs: 10_000,
      message: 'the agent saw Redis go',
    });
    await redis.start();

    await waitFor(() => agent.counters().busRecoveries > recoveries, {
      timeoutMs: 20_000,
      message: 'the agent saw the bus come back',
    });
    await c.stop({ t: 0 });
    const stored = await storedEqualsDocker(hostId, c, 30_000);
    expect(stored.entries[stored.entries.length - 1].seq).toBe(stored.lines.length);
    expect((await bus.hosts.get(hostId))?.online).toBe(true);
    await waitFor(async () => (await bus.snapshots.get(hostId, c.id))?.state === 'exited', {
      timeoutMs: 10_000,
    });
  });

  it('rewrites host info and snapshot into a wiped Redis', async () => {
    const hostId = uniqueHostId('wiped');
    // Created before the agent starts: only a resync (no Docker event) can bring it back.
    const c = await mainContainers.create(SLEEP_FOREVER);
    const agent = await res.agent(agentConfig(redis.url, hostId));
    await waitFor(
      async () =>
        (await bus.snapshots.get(hostId, c.id)) !== null && (await bus.hosts.get(hostId))?.online,
      {
        timeoutMs: 10_000,
      },
    );
    const resyncs = agent.counters().resyncs;
    const raw = new Redis(redis.url);
    try {
      await raw.flushall();
    } finally {
      raw.disconnect();
    }
    expect(await bus.snapshots.get(hostId, c.id)).toBeNull();
    await waitFor(
      async () =>
        (await bus.snapshots.get(hostId, c.id))?.state === 'running' &&
        (await bus.hosts.get(hostId))?.online === true &&
        agent.counters().resyncs > resyncs,
      { timeoutMs: 10_000, message: 'host info and snapshot rewritten' },
    );
    expect(agent.counters().busRecoveries).toBeGreaterThan(0);
    // The first sight after the wipe is published as an event again.
    const events = await bus.events.range(hostId, '0-0', 100);
    expect(
      events.some((e) => e.value.type === 'container' && e.value.container.container_id === c.id),
    ).toBe(true);
  });
});
