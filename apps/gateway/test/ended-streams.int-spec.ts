import {
  startLoadBalancer,
  ticker,
  useTestContainers,
  waitFor,
  type LoadBalancer,
} from '@flotilla/testing';
import type { AgentHandle } from '@flotilla/agent';
import { startHarness, type Harness } from './support/gateway-harness';
import { startRealAgent } from './support/real-agent';
import { TestClient } from './support/test-client';

jest.setTimeout(90_000);

/**
 * A page stops watching a container (`unsubscribe_stats`, `stop_log_stream`) when it leaves the
 * container's view. Whatever ended the stream first — its replica died and the page reconnected
 * to another, the container was removed — stopping it is answered ok and raises no `error`, so
 * the page shows no false alarm. Subscribing to a container that does not exist stays an error.
 */
describe('stopping a stream that has already ended (real agent, containers and replicas)', () => {
  const containers = useTestContainers(undefined, { cleanup: 'afterEach' });
  let h: Harness;
  let agent: AgentHandle;
  let hostId: string;

  beforeAll(async () => {
    h = await startHarness({ replicas: 1 });
    ({ agent, hostId } = await startRealAgent(h, 'ended'));
  });

  afterAll(async () => {
    await agent?.stop();
    await h?.close();
  });

  /** A running container the gateway knows. */
  async function runningContainer(): Promise<string> {
    const { id } = await containers.create(ticker('tick', 0.2));
    await waitFor(async () => (await h.bus.snapshots.get(hostId, id))?.state === 'running', {
      timeoutMs: 10_000,
      message: 'container known',
    });
    return id;
  }

  /** What the container page opens: stats and logs, until the first sample and line arrive. */
  async function watch(client: TestClient, id: string): Promise<void> {
    expect(await client.request('subscribe_stats', { container_id: id })).toEqual({
      status: 'ok',
    });
    expect(await client.request('start_log_stream', { container_id: id })).toMatchObject({
      status: 'stream_started',
    });
    await client.waitFor('stats_update', (s) => s.container_id === id, 20_000);
    await client.waitForLines(id, 1, 20_000);
  }

  /** What the page sends when it leaves: both answered ok, and no `error` at all. */
  async function unwatch(client: TestClient, id: string): Promise<void> {
    expect(
      await client.request('unsubscribe_stats', { container_id: id, host_id: hostId }),
    ).toEqual({ status: 'ok' });
    expect(await client.request('stop_log_stream', { container_id: id, host_id: hostId })).toEqual({
      status: 'ok',
    });
    // The edge sends a request's `error` event before its ack, on the same socket: with both
    // acks in hand, any error would already have been received.
    expect(client.all('error')).toEqual([]);
  }

  it('after its replica is killed, the page reconnects through the load balancer and stops watching without an error', async () => {
    const victim = await h.startReplica();
    let lb: LoadBalancer | undefined;
    let page: TestClient | undefined;
    try {
      lb = await startLoadBalancer([victim.port, h.gateways[0].port]);
      const id = await runningContainer();
      const client = await TestClient.connect(lb.url, { reconnect: true });
      page = client;
      expect(lb.openConnections()[victim.port]).toBe(1);
      await watch(client, id);

      await victim.kill();
      await waitFor(() => client.all('initial_state').length === 2, {
        timeoutMs: 20_000,
        message: 'the page reconnected to the surviving replica',
      });
      expect(lb.openConnections()[h.gateways[0].port]).toBe(1);

      await unwatch(client, id);
      expect(h.gateways[0].inspect().statsChannels).toEqual([]);
      expect(h.gateways[0].inspect().logChannels).toEqual([]);
    } finally {
      // Before the balancer goes: a reconnecting client would keep knocking on it.
      page?.close();
      await lb?.close();
      await victim.kill();
    }
  });

  it('after its container is removed, the page stops watching without an error; subscribing again is told the stream is over', async () => {
    const id = await runningContainer();
    const client = await h.connect(0);
    await watch(client, id);

    await containers.remove(id);
    await client.waitFor('stats_stream_stopped', (s) => s.container_id === id, 10_000);
    expect(
      await client.waitFor('log_stream_stopped', (s) => s.container_id === id, 10_000),
    ).toMatchObject({ reason: 'removed' });

    await unwatch(client, id);
    await waitFor(() => h.gateways[0].inspect().statsChannels.length === 0, {
      message: 'stats channel closed',
    });
    // A page that asks again (it renews after a reconnect before hearing of the removal) is
    // told the stream is over, as a viewer at the moment of removal was: no error, no channel.
    const stoppedBefore = client.all('stats_stream_stopped').length;
    expect(await client.request('subscribe_stats', { container_id: id })).toEqual({ status: 'ok' });
    await waitFor(() => client.all('stats_stream_stopped').length > stoppedBefore, {
      message: 'stats_stream_stopped for the removed container',
    });
    expect(client.all('stats_stream_stopped').at(-1)).toMatchObject({
      container_id: id,
      message: 'Container was removed',
    });
    expect(client.all('error')).toEqual([]);
    expect(h.gateways[0].inspect().statsChannels).toEqual([]);
    // The log of a removed container is still refused: there is nothing live to follow.
    expect(await client.request('start_log_stream', { container_id: id })).toMatchObject({
      status: 'error',
      code: 'unknown_container',
    });
  });

  it("stopping what this socket never watched is answered ok and leaves other sockets' streams running", async () => {
    const id = await runningContainer();
    const watcher = await h.connect(0);
    const other = await h.connect(0);
    await watch(watcher, id);

    await unwatch(other, id);
    await unwatch(other, 'f'.repeat(64));

    const samples = watcher.all('stats_update').length;
    await waitFor(() => watcher.all('stats_update').length > samples, {
      timeoutMs: 10_000,
      message: "the watcher's stats keep coming",
    });
    expect(h.gateways[0].inspect().statsChannels).toEqual([
      expect.objectContaining({ viewers: 1 }),
    ]);
  });
});
