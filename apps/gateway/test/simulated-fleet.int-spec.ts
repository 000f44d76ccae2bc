import { waitFor } from '@flotilla/testing';
import { SimulatedEngine } from '../../../bench/fleet-sim/simulated-engine';
import { startSimulatedHosts, type SimulatedHosts } from '../../../bench/fleet-sim/simulated-hosts';
import { uniqueHostId } from './support/fleet-fixtures';
import { startHarness, type Harness } from './support/gateway-harness';

jest.setTimeout(120_000);

const HOSTS = 3;
const CONTAINERS = 20;

/**
 * The fleet simulator (bench/fleet-sim) is only useful for measuring if a gateway cannot tell
 * its hosts from real ones: a real gateway, real Redis and a socket.io client see a simulated
 * fleet exactly as they would see real agents.
 */
describe('a simulated fleet seen through a real gateway', () => {
  let h: Harness;
  let fleet: SimulatedHosts;
  let hostIds: string[];

  beforeAll(async () => {
    h = await startHarness({ replicas: 1 });
    hostIds = Array.from({ length: HOSTS }, (_, i) => uniqueHostId(`sim${i}`));
    fleet = await startSimulatedHosts({
      redisUrl: h.redis.url,
      hostIds,
      containersPerHost: CONTAINERS,
      logLinesPerSecond: 20,
    });
    await waitFor(
      async () => {
        const hosts = await h.bus.hosts.list();
        const counts = await Promise.all(hostIds.map((id) => h.bus.snapshots.list(id)));
        return (
          hostIds.every((id) => hosts.some((s) => s.host_id === id && s.online)) &&
          counts.every((c) => c.length === CONTAINERS)
        );
      },
      { timeoutMs: 30_000, message: 'simulated hosts online with their containers' },
    );
  });

  afterAll(async () => {
    await fleet?.stop();
    await h?.close();
  });

  it('sends every simulated host and container in initial_state', async () => {
    const client = await h.connect(0);
    const initial = await client.waitFor('initial_state');
    for (const id of hostIds) {
      const host = initial.hosts.find((s) => s.host_id === id);
      expect(host).toMatchObject({ online: true, labels: { simulated: 'true' } });
      expect(initial.position[id]).toBeDefined();
      const containers = initial.containers.filter((c) => c.host_id === id);
      expect(containers).toHaveLength(CONTAINERS);
      expect(containers.filter((c) => c.state === 'running').length).toBeGreaterThan(0);
      expect(containers.filter((c) => c.state === 'exited').length).toBeGreaterThan(0);
      expect(containers[0].labels['com.docker.compose.project']).toMatch(/^stack\d+$/);
    }
  });

  it('delivers a state change made in a simulated engine', async () => {
    const client = await h.connect(0);
    const { engine } = fleet.hosts[1];
    const id = engine.ids()[3];
    const initial = await client.waitFor('initial_state');
    const before = initial.containers.find((c) => c.container_id === id)!;
    const stamp = engine.toggle(id);
    const change = await client.waitFor(
      'container_state_change',
      (c) => c.container_id === id && c.revision > before.revision,
      15_000,
    );
    expect(change.state).toBe(before.state === 'running' ? 'exited' : 'running');
    expect(change.state === 'running' ? change.started_at : change.finished_at).toBe(stamp);
  });

  it('streams the logs of a simulated container in order, with no line twice', async () => {
    const client = await h.connect(0);
    const { engine, agent } = fleet.hosts[0];
    const initial = await client.waitFor('initial_state');
    const container = initial.containers.find(
      (c) => c.host_id === agent.hostId && c.state === 'running',
    )!;
    const ack = await client.request('start_log_stream', {
      container_id: container.container_id,
      host_id: agent.hostId,
    });
    expect(ack).toMatchObject({ status: 'stream_started' });
    // The backfill (the default tail) and then live lines at 20 a second.
    const lines = await client.waitForLines(container.container_id, 150, 30_000);
    const numbers = lines.map((line) => {
      const m = /line[" :]+(\d+)/.exec(line);
      if (!m) throw new Error(`unexpected line: ${line}`);
      return Number(m[1]);
    });
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe(numbers[i - 1] + 1);
    // Each line as Docker gives it: its timestamp, then what the process wrote.
    lines.forEach((line, i) => {
      const space = line.indexOf(' ');
      expect(line.slice(0, space)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      expect(line.slice(space + 1)).toBe(SimulatedEngine.lineText(container.name, numbers[i]));
    });
    expect(agent.openLogStreams()).toBe(1);
    expect(engine.openStreams().logs).toBe(1);
    await client.request('stop_log_stream', {
      container_id: container.container_id,
      host_id: agent.hostId,
    });
  });

  it('streams the stats of a simulated container', async () => {
    const client = await h.connect(0);
    const { agent } = fleet.hosts[1];
    const initial = await client.waitFor('initial_state');
    const container = initial.containers.find(
      (c) => c.host_id === agent.hostId && c.state === 'running',
    )!;
    const ref = { container_id: container.container_id, host_id: agent.hostId };
    expect(await client.request('subscribe_stats', ref)).toEqual({ status: 'ok' });
    // The second sample has a previous reading to compute CPU % against.
    const sample = await client.waitFor(
      'stats_update',
      (s) => s.container_id === container.container_id && s.cpu_percent > 0,
      15_000,
    );
    expect(sample).toMatchObject({ host_id: agent.hostId, online_cpus: 4, pids: 3 });
    expect(sample.memory_usage).toBeGreaterThan(0);
    expect(agent.openStatsStreams()).toBe(1);
    expect(await client.request('unsubscribe_stats', ref)).toEqual({ status: 'ok' });
  });

  it('runs a stop command through the simulated agent and broadcasts it', async () => {
    const actor = await h.connect(0);
    const watcher = await h.connect(0);
    const { agent } = fleet.hosts[2];
    const initial = await actor.waitFor('initial_state');
    const container = initial.containers.find(
      (c) => c.host_id === agent.hostId && c.state === 'running',
    )!;
    const ack = await actor.request(
      'container_action',
      { container_id: container.container_id, host_id: agent.hostId, action: 'stop' },
      15_000,
    );
    expect(ack).toEqual({ status: 'ok', action: 'stop', unchanged: false });
    await watcher.waitFor(
      'container_state_change',
      (c) => c.container_id === container.container_id && c.state === 'exited',
      15_000,
    );
    await watcher.waitFor(
      'container_action',
      (a) => a.container_id === container.container_id && a.action === 'stop',
      15_000,
    );
    // Stopping it again is a no-op, as Docker answers 304.
    expect(
      await actor.request(
        'container_action',
        { container_id: container.container_id, host_id: agent.hostId, action: 'stop' },
        15_000,
      ),
    ).toEqual({ status: 'ok', action: 'stop', unchanged: true });
  });
});
