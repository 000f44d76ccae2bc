import Redis from 'ioredis';
import { RedisKeys } from '@flotilla/contracts';
import { waitFor } from '@flotilla/testing';
import {
  announceHost,
  changed,
  expectedRange,
  makeContainer,
  publishChange,
  uniqueHostId,
  writeLines,
} from './support/fleet-fixtures';
import { startHarness, type Harness } from './support/gateway-harness';

jest.setTimeout(30_000);

describe('gateway log streams (two replicas, real Redis)', () => {
  let h: Harness;
  let redis: Redis;

  beforeAll(async () => {
    h = await startHarness({ replicas: 2 });
    redis = new Redis(h.redis.url);
  });

  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
  });

  async function containerWithLines(lines: number, perBatch = 7) {
    const host = uniqueHostId();
    const container = makeContainer(host);
    await announceHost(h.bus, host, [container]);
    const next =
      lines > 0 ? await writeLines(h.bus, host, container.container_id, 1, lines, { perBatch }) : 1;
    return { host, container, id: container.container_id, next };
  }

  async function leaseMembers(host: string, kind: 'logs' | 'stats' = 'logs'): Promise<string[]> {
    const key = kind === 'logs' ? RedisKeys.logLeases(host) : RedisKeys.statsLeases(host);
    return redis.zrangebyscore(key, Date.now(), '+inf');
  }

  it('sends exactly the last 100 lines by default, cutting the oldest entry, then live lines', async () => {
    const { host, id, next } = await containerWithLines(250);
    const client = await h.connect(0);
    const ack = await client.request('start_log_stream', { container_id: id.slice(0, 12) });
    expect(ack).toEqual({ status: 'stream_started', container_id: id, host_id: host });
    expect(await client.waitForLines(id, 100)).toEqual(expectedRange(151, 250));
    const first = client.logUpdates(id)[0];
    // 250 lines in batches of 7: entry 154-0 holds 148..154, of which 151..154 were sent.
    expect(first.entries[0]).toEqual({ id: '154-0', n: 4 });
    expect(first).toMatchObject({ host_id: host, tty: false, stderr: [] });

    await writeLines(h.bus, host, id, next, 30);
    expect(await client.waitForLines(id, 130)).toEqual(expectedRange(151, 280));
  });

  it('sends exactly `tail` lines when asked, and none with tail 0', async () => {
    const { id, host, next } = await containerWithLines(50, 50);
    const client = await h.connect(1);
    await client.request('start_log_stream', { container_id: id, host_id: host, tail: 5 });
    expect(await client.waitForLines(id, 5)).toEqual(expectedRange(46, 50));
    expect(client.logUpdates(id)[0].entries).toEqual([{ id: '50-0', n: 5 }]);

    const other = await h.connect(0);
    await other.request('start_log_stream', { container_id: id, tail: 0 });
    await writeLines(h.bus, host, id, next, 2);
    expect(await other.waitForLines(id, 2)).toEqual(expectedRange(51, 52));
  });

  it('resumes on the other replica with `after`, every line exactly once', async () => {
    const { host, id } = await containerWithLines(40);
    const first = await h.connect(0);
    await first.request('start_log_stream', { container_id: id });
    await first.waitForLines(id, 40);
    let next = await writeLines(h.bus, host, id, 41, 20, { perBatch: 3 });
    await first.waitForLines(id, 60);
    const lastSeen = first.lastEntryId(id);
    first.close();

    // Lines written while no client is connected, then a resume on replica 2.
    next = await writeLines(h.bus, host, id, next, 25, { perBatch: 4 });
    const second = await h.connect(1);
    await second.request('start_log_stream', { container_id: id, after: lastSeen });
    next = await writeLines(h.bus, host, id, next, 15, { perBatch: 5 });
    const resumed = await second.waitForLines(id, next - 61);
    expect([...first.logLines(id), ...resumed]).toEqual(expectedRange(1, next - 1));
    expect(second.logUpdates(id).some((u) => u.gap)).toBe(false);
  });

  it('resumes after a cursor inside an entry with only the lines after it', async () => {
    const { id } = await containerWithLines(30, 10);
    const client = await h.connect(1);
    await client.request('start_log_stream', { container_id: id, after: '15-0' });
    expect(await client.waitForLines(id, 15)).toEqual(expectedRange(16, 30));
    expect(client.logUpdates(id)[0].entries[0]).toEqual({ id: '20-0', n: 5 });
  });

  it('marks a retention gap with the exact number of lines lost', async () => {
    const { host, id } = await containerWithLines(100, 10);
    // Retention trimmed everything up to line 60.
    await redis.xtrim(RedisKeys.logs(host, id), 'MINID', '61-0');
    const client = await h.connect(0);
    await client.request('start_log_stream', { container_id: id, after: '25-0' });
    const lines = await client.waitForLines(id, 40);
    const [gap] = client.logUpdates(id);
    expect(gap.gap).toEqual({ reason: 'retention', lost: 35, resume_after: null });
    expect(gap.entries).toEqual([]);
    expect(gap.log).toMatch(/35 lines/);
    expect(lines).toEqual(expectedRange(61, 100));
  });

  it('stops a stream on request', async () => {
    const { host, id, next } = await containerWithLines(3);
    const client = await h.connect(0);
    await client.request('start_log_stream', { container_id: id });
    await client.waitForLines(id, 3);
    expect(await client.request('stop_log_stream', { container_id: id })).toEqual({ status: 'ok' });
    const stopped = await client.waitFor('log_stream_stopped', (s) => s.container_id === id);
    expect(stopped).toMatchObject({ host_id: host, reason: 'requested' });
    await waitFor(() => h.gateways[0].inspect().logChannels.every((c) => !c.key.includes(id)));
    await writeLines(h.bus, host, id, next, 5);
    // A sentinel on another stream proves nothing more came for the stopped one.
    const { id: other } = await containerWithLines(1);
    await client.request('start_log_stream', { container_id: other });
    await client.waitForLines(other, 1);
    expect(client.logLines(id)).toHaveLength(3);
  });

  it('ends the streams of a removed container with reason "removed"', async () => {
    const { host, container, id } = await containerWithLines(2);
    await waitFor(() =>
      h.gateways.every((g) => g.inspect().followedKeys.includes(RedisKeys.events(host))),
    );
    const a = await h.connect(0);
    const b = await h.connect(1);
    await a.request('start_log_stream', { container_id: id });
    await b.request('start_log_stream', { container_id: id });
    await publishChange(h.bus, changed(container, { state: 'removed', status: 'removed' }));
    for (const client of [a, b]) {
      const stopped = await client.waitFor('log_stream_stopped', (s) => s.container_id === id);
      expect(stopped).toMatchObject({ host_id: host, reason: 'removed' });
    }
    await waitFor(async () => (await leaseMembers(host)).length === 0, {
      message: 'leases released',
    });
    expect(await a.request('start_log_stream', { container_id: id })).toMatchObject({
      status: 'error',
      code: 'unknown_container',
    });
  });

  it('carries several streams on one socket', async () => {
    const one = await containerWithLines(12, 5);
    const two = await containerWithLines(8, 3);
    const client = await h.connect(1);
    await Promise.all([
      client.request('start_log_stream', { container_id: one.id }),
      client.request('start_log_stream', { container_id: two.id }),
    ]);
    await writeLines(h.bus, one.host, one.id, one.next, 4);
    await writeLines(h.bus, two.host, two.id, two.next, 6);
    expect(await client.waitForLines(one.id, 16)).toEqual(expectedRange(1, 16));
    expect(await client.waitForLines(two.id, 14)).toEqual(expectedRange(1, 14));
    await client.request('stop_log_stream', { container_id: one.id });
    await writeLines(h.bus, two.host, two.id, 15, 1);
    expect(await client.waitForLines(two.id, 15)).toEqual(expectedRange(1, 15));
  });

  it('holds one lease per replica with viewers and releases it when the last viewer leaves', async () => {
    const { host, id } = await containerWithLines(1);
    const a1 = await h.connect(0);
    const a2 = await h.connect(0);
    const b1 = await h.connect(1);
    for (const client of [a1, a2, b1])
      await client.request('start_log_stream', { container_id: id });
    const holders = [`${id}|${h.gateways[0].replicaId}`, `${id}|${h.gateways[1].replicaId}`].sort();
    await waitFor(async () => (await leaseMembers(host)).length === 2, { message: 'two leases' });
    expect((await leaseMembers(host)).sort()).toEqual(holders);

    a1.close();
    await waitFor(
      () => h.gateways[0].inspect().logChannels.find((c) => c.key.includes(id))?.viewers === 1,
    );
    expect(await leaseMembers(host)).toHaveLength(2);
    await a2.request('stop_log_stream', { container_id: id });
    await waitFor(async () => (await leaseMembers(host)).length === 1, {
      message: 'replica 1 released',
    });
    expect(await leaseMembers(host)).toEqual([`${id}|${h.gateways[1].replicaId}`]);
    b1.close();
    await waitFor(async () => (await leaseMembers(host)).length === 0, {
      message: 'replica 2 released',
    });
  });

  it('leaves nothing behind when clients disconnect (followed keys, channels, leases, connections)', async () => {
    const base = h.gateways.map((g) => g.inspect());
    const { host, id } = await containerWithLines(5);
    const clients = await Promise.all([h.connect(0), h.connect(1), h.connect(0)]);
    for (const client of clients) {
      await client.request('start_log_stream', { container_id: id });
      await client.request('subscribe_stats', { container_id: id });
    }
    const mine = (keys: string[]) => keys.filter((k) => k.includes(id));
    await waitFor(() => h.gateways.every((g) => mine(g.inspect().followedKeys).length === 2), {
      message: 'streams followed',
    });
    expect(h.gateways[0].inspect().logChannels.find((c) => c.key.includes(id))?.viewers).toBe(2);
    expect(h.gateways.map((g) => mine(g.inspect().leases).length)).toEqual([2, 2]);
    for (const client of clients) client.close();
    await waitFor(
      () =>
        h.gateways.every((g, i) => {
          const now = g.inspect();
          return (
            mine(now.followedKeys).length === 0 &&
            mine(now.logChannels.map((c) => c.key)).length === 0 &&
            mine(now.statsChannels.map((c) => c.key)).length === 0 &&
            mine(now.leases).length === 0 &&
            now.connections === base[i].connections &&
            now.followedKeys.length === base[i].followedKeys.length + 2 &&
            now.drainWaiters === 0
          );
        }),
      { message: 'replicas back to where they were (plus the new host: events and exits)' },
    );
    await waitFor(
      async () =>
        (await leaseMembers(host)).length + (await leaseMembers(host, 'stats')).length === 0,
    );
  });
});
