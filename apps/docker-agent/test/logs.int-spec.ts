import type { Bus } from '@flotilla/bus';
import { statsSampleSchema } from '@flotilla/contracts';
import {
  expectedLines,
  floodLines,
  printLines,
  readContainerLines,
  SLEEP_FOREVER,
  startRedis,
  ticker,
  useTestContainers,
  waitFor,
  type RedisHandle,
} from '@flotilla/testing';
import type { AgentHandle } from '../src/agent';
import {
  agentConfig,
  checkNumbered,
  dockerLogLines,
  execIn,
  holdLease,
  Resources,
  storedLogs,
  texts,
  uniqueHostId,
  waitForLines,
} from './agent-harness';

jest.setTimeout(60_000);

const TS_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /;

describe('agent logs and stats on demand (real dockerd, real Redis)', () => {
  const containers = useTestContainers(undefined, { cleanup: 'afterEach' });
  const res = new Resources();
  const releases: (() => Promise<void>)[] = [];
  let redis: RedisHandle;
  let bus: Bus;
  let agent: AgentHandle;
  let hostId: string;

  beforeAll(async () => {
    redis = await startRedis();
    bus = res.bus(redis.url);
    hostId = uniqueHostId('logs');
    agent = await res.agent(agentConfig(redis.url, hostId));
    await waitFor(() => agent.counters().resyncs >= 1, {
      timeoutMs: 10_000,
      message: 'first resync',
    });
  });
  afterEach(async () => {
    await Promise.allSettled(releases.splice(0).map((r) => r()));
    // Leases are gone: the agent lets go of every stream.
    await waitFor(() => agent.openLogStreams() === 0 && agent.openStatsStreams() === 0, {
      timeoutMs: 5_000,
      message: 'no Docker stream left open',
    }).catch(() => undefined);
  });
  afterAll(async () => {
    await res.closeAll();
    await redis?.close();
  });

  const lease = async (
    kind: 'logs' | 'stats',
    id: string,
    holder?: string,
  ): Promise<() => Promise<void>> => {
    const release = await holdLease(bus, kind, hostId, id, holder);
    releases.push(release);
    return release;
  };
  /** Waits until the agent knows the container (its create/start event was handled). */
  const known = (id: string): Promise<unknown> =>
    waitFor(async () => (await bus.snapshots.get(hostId, id)) !== null, {
      timeoutMs: 10_000,
      message: 'container in the snapshot',
    });

  it('backfills the last 100 lines, follows live, and after stop and start adds each line once', async () => {
    const script = `${printLines(150, 'old')}; while [ ! -f /tmp/go ]; do sleep 0.05; done; ${printLines(20, 'new')}; ${SLEEP_FOREVER}`;
    const c = await containers.create(script);
    await waitFor(async () => (await readContainerLines(c)).length === 150, {
      message: 'the container printed 150 lines',
    });
    await known(c.id);
    await lease('logs', c.id);

    const backfill = await waitForLines(bus, hostId, c.id, 100);
    expect(texts(backfill)).toEqual(expectedLines(100, 'old', 51));
    for (const line of backfill) expect(line).toMatch(TS_LINE);

    await execIn(c, ['touch', '/tmp/go']);
    const live = await waitForLines(bus, hostId, c.id, 120);
    expect(texts(live)).toEqual([...expectedLines(100, 'old', 51), ...expectedLines(20, 'new')]);

    await c.stop({ t: 0 });
    await c.start();
    const after = await waitForLines(bus, hostId, c.id, 290);
    expect(texts(after)).toEqual([
      ...expectedLines(100, 'old', 51),
      ...expectedLines(20, 'new'),
      ...expectedLines(150, 'old'),
      ...expectedLines(20, 'new'),
    ]);
    // Exactly Docker's own log (timestamps included), from the backfill on.
    expect(after).toEqual((await dockerLogLines(c)).slice(50));
    const { entries } = await storedLogs(bus, hostId, c.id);
    expect(entries[entries.length - 1].seq).toBe(290);
    expect(agent.openLogStreams()).toBe(1);
  });

  it('passes TTY output raw, without carriage returns', async () => {
    const c = await containers.create(
      `printf 'one\\ntwo\\tcols\\n\\n'; printf 'héllo wörld 😀\\n'; ${SLEEP_FOREVER}`,
      { tty: true },
    );
    await known(c.id);
    await lease('logs', c.id);
    const lines = await waitForLines(bus, hostId, c.id, 4);
    expect(texts(lines)).toEqual(['one', 'two\tcols', '', 'héllo wörld 😀']);
    const { entries } = await storedLogs(bus, hostId, c.id);
    expect(entries.every((e) => e.stderr.length === 0)).toBe(true);
  });

  it('keeps stdout and stderr apart', async () => {
    const c = await containers.create(`echo out1; echo err1 >&2; echo out2; ${SLEEP_FOREVER}`);
    await known(c.id);
    await lease('logs', c.id);
    await waitForLines(bus, hostId, c.id, 3);
    const { entries, lines } = await storedLogs(bus, hostId, c.id);
    const stderrTexts = new Set<string>();
    let offset = 0;
    for (const e of entries) {
      for (const i of e.stderr) stderrTexts.add(texts([lines[offset + i]])[0]);
      offset += e.n;
    }
    expect([...stderrTexts]).toEqual(['err1']);
    expect(texts(lines).sort()).toEqual(['err1', 'out1', 'out2']);
  });

  it.each([false, true])('stores a 100 KiB line as one line (tty=%s)', async (tty) => {
    const c = await containers.create(
      `echo before; head -c 102400 /dev/zero | tr '\\0' 'x'; echo; echo after; ${SLEEP_FOREVER}`,
      { tty },
    );
    await known(c.id);
    await lease('logs', c.id);
    const lines = await waitForLines(bus, hostId, c.id, 3);
    expect(lines).toHaveLength(3);
    expect(texts(lines)).toEqual(['before', 'x'.repeat(102_400), 'after']);
  });

  it('stores 200,000 lines printed as fast as possible: every line, once, in order', async () => {
    const n = 200_000;
    const c = await containers.create(floodLines(n, 'n'), { autoStart: false });
    await known(c.id);
    await lease('logs', c.id);
    await waitFor(() => agent.followedLogs().includes(c.id), {
      message: 'the agent follows the container',
    });
    await c.start();
    const lines = await waitForLines(bus, hostId, c.id, n, 45_000);
    expect(checkNumbered(texts(lines), 'n', n)).toBeNull();
    const { entries } = await storedLogs(bus, hostId, c.id);
    expect(entries[entries.length - 1].seq).toBe(n);
    for (let i = 1; i < entries.length; i++)
      expect(entries[i].seq - entries[i - 1].seq).toBe(entries[i].n);
  }, 90_000);

  it('lets go of a container removed while followed', async () => {
    const c = await containers.create(ticker('t', 0.05));
    await known(c.id);
    await lease('logs', c.id);
    await waitForLines(bus, hostId, c.id, 5);
    const before = agent.counters();
    await containers.remove(c.id);
    await waitFor(() => !agent.followedLogs().includes(c.id) && agent.openLogStreams() === 0, {
      timeoutMs: 10_000,
      message: 'the follower of the removed container ended',
    });
    await waitFor(async () => (await bus.snapshots.get(hostId, c.id))?.state === 'removed', {
      message: 'removed in the snapshot',
    });
    expect((await storedLogs(bus, hostId, c.id)).lines.length).toBeGreaterThanOrEqual(5);
    expect(agent.counters().linesPublished).toBeGreaterThanOrEqual(before.linesPublished);
  });

  it('opens one Docker log stream for two leases from two holders, and closes it when both are gone', async () => {
    const c = await containers.create(ticker('t', 0.1));
    await known(c.id);
    const opened = agent.counters().logStreamsOpened;
    const releaseA = await lease('logs', c.id, 'replica-a');
    const releaseB = await lease('logs', c.id, 'replica-b');
    await waitForLines(bus, hostId, c.id, 3);
    expect(agent.openLogStreams()).toBe(1);
    expect(agent.counters().logStreamsOpened - opened).toBe(1);
    await releaseA();
    await waitForLines(bus, hostId, c.id, (await storedLogs(bus, hostId, c.id)).lines.length + 3);
    expect(agent.followedLogs()).toEqual([c.id]);
    expect(agent.openLogStreams()).toBe(1);
    await releaseB();
    await waitFor(() => agent.openLogStreams() === 0 && agent.followedLogs().length === 0, {
      timeoutMs: 5_000,
      message: 'the stream closed after the last lease',
    });
    expect(agent.counters().logStreamsOpened - opened).toBe(1);
  });

  it('samples stats of a leased running container once a second', async () => {
    const c = await containers.create(`while true; do :; done`);
    await known(c.id);
    await lease('stats', c.id);
    const samples = await waitFor(
      async () => {
        const latest = await bus.stats.latest(hostId, c.id, 10);
        return latest.length >= 2 ? latest : null;
      },
      { timeoutMs: 10_000, message: 'two stats samples' },
    );
    expect(agent.openStatsStreams()).toBe(1);
    const last = samples[samples.length - 1].value;
    expect(statsSampleSchema.safeParse(last).success).toBe(true);
    expect(last).toMatchObject({ container_id: c.id, host_id: hostId });
    expect(last.cpu_percent).toBeGreaterThan(20);
    expect(last.memory_usage).toBeGreaterThan(0);
    expect(last.pids).toBeGreaterThanOrEqual(1);
    expect(Date.parse(samples[1].value.read) - Date.parse(samples[0].value.read)).toBeGreaterThan(
      500,
    );
  });

  it('publishes no first reading without a CPU baseline, and tells a memory limit from host RAM', async () => {
    const limited = await containers.create(`while true; do :; done`, { memory: 64 * 1024 * 1024 });
    const free = await containers.create(`while true; do :; done`);
    await known(limited.id);
    await known(free.id);
    await lease('stats', limited.id);
    await lease('stats', free.id);
    const firstOf = async (id: string) =>
      waitFor(
        async () => {
          const latest = await bus.stats.latest(hostId, id, 10);
          return latest.length >= 2 ? latest.map((e) => e.value) : null;
        },
        { timeoutMs: 10_000, message: `two stats samples of ${id}` },
      );
    const [limitedSamples, freeSamples] = await Promise.all([
      firstOf(limited.id),
      firstOf(free.id),
    ]);
    // A busy loop: every published sample, the first included, measures its CPU.
    for (const s of [...limitedSamples, ...freeSamples]) expect(s.cpu_percent).toBeGreaterThan(0);
    for (const s of limitedSamples) {
      expect(s.memory_limited).toBe(true);
      expect(s.memory_limit).toBe(64 * 1024 * 1024);
    }
    for (const s of freeSamples) {
      expect(s.memory_limited).toBe(false);
      // Docker's limit of an unlimited container is the host's RAM.
      expect(s.memory_limit).toBeGreaterThan(64 * 1024 * 1024);
    }
  });
});
