import Redis from 'ioredis';
import { RedisKeys } from '@flotilla/contracts';
import { waitFor } from '@flotilla/testing';
import {
  announceHost,
  changed,
  makeContainer,
  publishChange,
  statsSample,
  uniqueHostId,
} from './support/fleet-fixtures';
import { startHarness, type Harness } from './support/gateway-harness';

jest.setTimeout(30_000);

describe('gateway stats streams (two replicas, real Redis)', () => {
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

  it('sends the latest sample, then each new one, to subscribers on both replicas, under one lease per replica', async () => {
    const host = uniqueHostId('stats');
    const container = makeContainer(host);
    const id = container.container_id;
    await announceHost(h.bus, host, [container]);
    await h.bus.stats.append(statsSample(host, id, 1));
    const a = await h.connect(0);
    const b = await h.connect(1);
    expect(await a.request('subscribe_stats', { container_id: id })).toEqual({ status: 'ok' });
    expect(await b.request('subscribe_stats', { container_id: id, host_id: host })).toEqual({
      status: 'ok',
    });
    for (const client of [a, b]) await client.waitFor('stats_update', (s) => s.cpu_percent === 1);
    await waitFor(
      async () =>
        (await redis.zrangebyscore(RedisKeys.statsLeases(host), Date.now(), '+inf')).length === 2,
    );

    await h.bus.stats.append(statsSample(host, id, 2));
    await h.bus.stats.append(statsSample(host, id, 3));
    for (const client of [a, b]) {
      await client.waitFor('stats_update', (s) => s.cpu_percent === 3);
      expect(client.all('stats_update').map((s) => s.cpu_percent)).toEqual([1, 2, 3]);
    }

    expect(await a.request('unsubscribe_stats', { container_id: id.slice(0, 12) })).toEqual({
      status: 'ok',
    });
    await waitFor(
      async () =>
        (await redis.zrangebyscore(RedisKeys.statsLeases(host), Date.now(), '+inf')).length === 1,
    );
    await h.bus.stats.append(statsSample(host, id, 4));
    await b.waitFor('stats_update', (s) => s.cpu_percent === 4);
    expect(a.all('stats_update').map((s) => s.cpu_percent)).toEqual([1, 2, 3]);

    await waitFor(() => h.gateways[1].inspect().followedKeys.includes(RedisKeys.events(host)));
    await publishChange(h.bus, changed(container, { state: 'removed' }));
    expect(await b.waitFor('stats_stream_stopped', (s) => s.container_id === id)).toMatchObject({
      host_id: host,
    });
    await waitFor(async () => (await redis.zcard(RedisKeys.statsLeases(host))) === 0);
  });
});
