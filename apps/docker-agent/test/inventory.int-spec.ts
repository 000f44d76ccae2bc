import Redis from 'ioredis';
import type { Bus } from '@flotilla/bus';
import { containerSchema, RedisKeys, type Container } from '@flotilla/contracts';
import {
  printLinesThenExit,
  SLEEP_FOREVER,
  startRedis,
  useTestContainers,
  waitFor,
  waitForContainerExit,
  type RedisHandle,
} from '@flotilla/testing';
import { agentConfig, containerEvents, Resources, uniqueHostId } from './agent-harness';

jest.setTimeout(60_000);

describe('agent inventory and state changes (real dockerd, real Redis)', () => {
  const containers = useTestContainers();
  const res = new Resources();
  let redis: RedisHandle;
  let bus: Bus;

  beforeAll(async () => {
    redis = await startRedis();
    bus = res.bus(redis.url);
  });
  afterEach(() => res.closeAgents());
  afterAll(async () => {
    await res.closeAll();
    await redis?.close();
  });

  const snapshotOf = async (hostId: string, id: string): Promise<Container | undefined> =>
    (await bus.snapshots.list(hostId)).find((c) => c.container_id === id);

  it('publishes every container, running and stopped, announces the host and beats', async () => {
    const running = await containers.create(SLEEP_FOREVER, { labels: { role: 'web' } });
    const created = await containers.create(SLEEP_FOREVER, { autoStart: false, tty: true });
    const exited = await containers.create(printLinesThenExit(1, 'bye', 3));
    await waitForContainerExit(exited);
    const hostId = uniqueHostId('inv');
    await res.agent(agentConfig(redis.url, hostId, { HOST_LABELS: 'dc=test,rack=7' }));

    const snap = await waitFor(
      async () => {
        const list = await bus.snapshots.list(hostId);
        const byId = new Map(list.map((c) => [c.container_id, c]));
        return [running.id, created.id, exited.id].every((id) => byId.has(id)) ? byId : null;
      },
      { timeoutMs: 10_000, message: 'the three containers in the snapshot' },
    );
    expect(snap.get(running.id)).toMatchObject({
      host_id: hostId,
      state: 'running',
      tty: false,
      exit_code: null,
      finished_at: null,
      health: 'none',
    });
    expect(snap.get(running.id)!.labels.role).toBe('web');
    expect(snap.get(running.id)!.status).toMatch(/^Up /);
    expect(snap.get(running.id)!.name).not.toMatch(/^\//);
    expect(snap.get(created.id)).toMatchObject({
      state: 'created',
      status: 'Created',
      started_at: null,
      tty: true,
    });
    expect(snap.get(exited.id)).toMatchObject({ state: 'exited', exit_code: 3 });
    expect(snap.get(exited.id)!.status).toMatch(/^Exited \(3\) /);

    // The first sight of each container is an event too (viewers learn what changed while away).
    // The agent appends them after it replaces the snapshot, so they may come a moment later.
    const events = await waitFor(
      async () => {
        const ids = (await containerEvents(bus, hostId)).map((c) => c.container_id);
        return [running.id, created.id, exited.id].every((id) => ids.includes(id)) ? ids : null;
      },
      { timeoutMs: 10_000, message: 'an event for each of the three containers' },
    );
    expect(events).toEqual(expect.arrayContaining([running.id, created.id, exited.id]));

    const host = await waitFor(
      async () => {
        const h = await bus.hosts.get(hostId);
        return h?.online && h.engine.reachable ? h : null;
      },
      { message: 'host online with its engine' },
    );
    expect(host).toMatchObject({
      online: true,
      labels: { dc: 'test', rack: '7' },
      engine: { reachable: true, error: null },
    });
    expect(host.engine.version).toMatch(/^\d+\./);
    const firstBeat = host.last_seen;
    await waitFor(async () => (await bus.hosts.get(hostId))?.last_seen !== firstBeat, {
      timeoutMs: 6_000,
      message: 'a second heartbeat',
    });
  });

  it('publishes a container with a label over 4 KiB clamped and marked, not dropped', async () => {
    const big = await containers.create(SLEEP_FOREVER, {
      labels: { role: 'web', note: 'n'.repeat(5_000) },
    });
    const hostId = uniqueHostId('big');
    await res.agent(agentConfig(redis.url, hostId));
    const seen = await waitFor(() => snapshotOf(hostId, big.id), {
      timeoutMs: 10_000,
      message: 'the container in the snapshot',
    });
    expect(seen).toMatchObject({ truncated: true, labels: { role: 'web' } });
    expect(seen.labels.note).toHaveLength(4_096);
    // The agent wrote it within the contract: any reader, strict or not, keeps it.
    const raw = new Redis(redis.url);
    try {
      const stored = await raw.hget(RedisKeys.snapshot(hostId), big.id);
      expect(containerSchema.safeParse(JSON.parse(stored ?? 'null')).success).toBe(true);
    } finally {
      raw.disconnect();
    }
  });

  it('publishes create, start, pause, unpause, rename, stop and destroy with growing revisions', async () => {
    const hostId = uniqueHostId('chg');
    const agent = await res.agent(agentConfig(redis.url, hostId));
    await waitFor(() => agent.counters().resyncs >= 1, {
      timeoutMs: 10_000,
      message: 'first resync',
    });

    const c = await containers.create(SLEEP_FOREVER, { autoStart: false });
    const until = async (what: string, ok: (x: Container) => boolean): Promise<Container> =>
      waitFor(
        async () => {
          const events = await containerEvents(bus, hostId, c.id);
          const last = events[events.length - 1];
          return last && ok(last) ? last : null;
        },
        { timeoutMs: 10_000, message: what },
      );
    const seen: Container[] = [];
    seen.push(await until('created', (x) => x.state === 'created'));
    await c.start();
    seen.push(await until('running', (x) => x.state === 'running'));
    await c.pause();
    seen.push(await until('paused', (x) => x.state === 'paused'));
    expect(seen[2].status).toMatch(/\(Paused\)$/);
    await c.unpause();
    seen.push(await until('unpaused', (x) => x.state === 'running'));
    const newName = `renamed-${hostId}`;
    await c.rename({ name: newName });
    seen.push(await until('renamed', (x) => x.name === newName));
    await c.stop({ t: 1 });
    seen.push(await until('exited', (x) => x.state === 'exited'));
    expect(seen[5].exit_code).not.toBeNull();
    expect(await snapshotOf(hostId, c.id)).toMatchObject({ state: 'exited', name: newName });
    await containers.remove(c.id);
    seen.push(await until('removed', (x) => x.state === 'removed'));
    expect(seen[6]).toMatchObject({ name: newName, image: seen[5].image });

    const all = await containerEvents(bus, hostId, c.id);
    for (let i = 1; i < all.length; i++)
      expect(all[i].revision).toBeGreaterThan(all[i - 1].revision);
    expect(await snapshotOf(hostId, c.id)).toMatchObject({ state: 'removed' });
  });

  it('after a restart publishes only what changed while it was away, and the removed as removed', async () => {
    const hostId = uniqueHostId('away');
    const keep = await containers.create(SLEEP_FOREVER);
    const stopLater = await containers.create(SLEEP_FOREVER);
    const removeLater = await containers.create(SLEEP_FOREVER);
    const first = await res.agent(agentConfig(redis.url, hostId));
    await waitFor(
      async () => (await bus.snapshots.list(hostId)).some((c) => c.container_id === removeLater.id),
      { timeoutMs: 10_000 },
    );
    await first.stop();
    const before = new Map((await bus.snapshots.list(hostId)).map((c) => [c.container_id, c]));
    const eventsBefore = (await containerEvents(bus, hostId)).length;

    await stopLater.kill();
    await containers.remove(removeLater.id);
    const born = await containers.create(SLEEP_FOREVER, { autoStart: false });

    const second = await res.agent(agentConfig(redis.url, hostId));
    await waitFor(() => second.counters().resyncs >= 1, {
      timeoutMs: 10_000,
      message: 'resync of the second agent',
    });
    const since = (await containerEvents(bus, hostId)).slice(eventsBefore);
    const byId = new Map(since.map((c) => [c.container_id, c]));
    expect(byId.get(stopLater.id)).toMatchObject({ state: 'exited' });
    expect(byId.get(stopLater.id)!.revision).toBeGreaterThan(before.get(stopLater.id)!.revision);
    expect(byId.get(removeLater.id)).toMatchObject({ state: 'removed' });
    expect(byId.get(born.id)).toMatchObject({ state: 'created' });
    expect(byId.has(keep.id)).toBe(false);
    const snap = new Map((await bus.snapshots.list(hostId)).map((c) => [c.container_id, c]));
    expect(snap.get(keep.id)!.revision).toBe(before.get(keep.id)!.revision);
    expect(snap.has(removeLater.id)).toBe(false);
  });

  it('keeps running and says so when the engine is unreachable', async () => {
    const hostId = uniqueHostId('noengine');
    const agent = await res.agent(
      agentConfig(redis.url, hostId, { DOCKER_HOST: 'unix:///tmp/flotilla-no-such-engine.sock' }),
    );
    const host = await waitFor(
      async () => {
        const h = await bus.hosts.get(hostId);
        return h?.online && h.engine.error ? h : null;
      },
      { timeoutMs: 10_000, message: 'host announced with an engine error' },
    );
    expect(host.engine).toMatchObject({
      reachable: false,
      address: 'unix:///tmp/flotilla-no-such-engine.sock',
    });
    expect(host.engine.error).toMatch(/ENOENT|connect/);
    expect(agent.counters().resyncs).toBe(0);
  });
});
