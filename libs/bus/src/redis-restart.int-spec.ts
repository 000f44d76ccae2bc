import { RedisKeys, type FleetEvent } from '@flotilla/contracts';
import { freePort, startRedis, waitFor, type RedisHandle } from '@flotilla/testing';
import type { Bus } from './ports';
import { createRedisBus } from './redis/redis-bus';
import { replyTo, sampleContainer, sampleHost, sampleRequest } from '../testing/samples';

const HOST = 'restart-host';
const KEY = RedisKeys.events(HOST);

function event(revision: number): FleetEvent {
  return { v: 1, type: 'container', container: sampleContainer(HOST, 1, { revision }) };
}

describe('redis bus across a Redis restart', () => {
  let redis: RedisHandle;
  let bus: Bus;
  beforeAll(async () => {
    redis = await startRedis();
    bus = createRedisBus({
      url: redis.url,
      name: 'restart-test',
    });
  });

  afterAll(async () => {
    await bus.close();
    await redis.close();
  });

  it('resumes a blocked follower, delivering each entry appended after the restart once, and keeps commands working', async () => {
    const seen: string[] = [];
    const follower = bus.follower((_key, entries) => seen.push(...entries.map((e) => e.id)));
    follower.follow(KEY, '0-0');
    const before = await bus.events.append(HOST, event(1));
    // Delivered: the follower is blocked in its next read when Redis goes away.
    await waitFor(() => seen.length === 1, { intervalMs: 10 });

    await redis.kill();
    await expect(bus.ping()).rejects.toThrow(/not connected|did not answer/);
    await redis.start();
    await waitFor(() => bus.ping().then(() => true), {
      intervalMs: 20,
      message: 'bus ready again',
    });

    const after: string[] = [];
    for (let i = 2; i <= 21; i++) after.push(await bus.events.append(HOST, event(i)));
    await waitFor(() => seen.length >= 21, {
      intervalMs: 10,
      message: 'entries after the restart',
    });
    // A last marker: any duplicate would have been delivered before it.
    const marker = await bus.events.append(HOST, event(22));
    await waitFor(() => seen.includes(marker), { intervalMs: 10 });
    expect(seen).toEqual([before, ...after, marker]);

    // The follower's connection has a new client id now; a stream followed from here on is still served.
    const other = 'restart-other';
    follower.follow(RedisKeys.events(other), '0-0');
    const elsewhere = await bus.events.append(other, event(1));
    await waitFor(() => seen.includes(elsewhere), { intervalMs: 10, timeoutMs: 2_000 });

    // An agent stand-in on a follower of its own, started after the restart.
    const agent = bus.follower((_key, entries) => {
      for (const request of bus.records.commands(HOST, entries))
        void bus.commands.reply(replyTo(request.value));
    });
    agent.follow(RedisKeys.commands(HOST), '0-0');
    const request = sampleRequest(HOST);
    const position = await bus.commands.send(request);
    const reply = await bus.commands.awaitReply(HOST, request.request_id, 3_000, position);
    expect(reply?.request_id).toBe(request.request_id);

    await agent.close();
    await follower.close();
  });

  it('keeps waking subscribers after a restart', async () => {
    let woken = 0;
    const stop = await bus.leases.onWake(HOST, () => woken++);
    await redis.stop();
    await redis.start();
    // ioredis re-subscribes on reconnect; acquire until a wake arrives (the first may precede it).
    await waitFor(
      async () => {
        await bus.leases.acquire('logs', HOST, sampleContainer(HOST, 1).container_id, 'gw', 10_000);
        return woken > 0;
      },
      { intervalMs: 20, message: 'a wake after the restart' },
    );
    await stop();
  });

  it('keeps the host set after a restart that lost it: hosts announcing again are tracked again', async () => {
    const stop = await bus.hosts.track();
    try {
      await bus.hosts.announce(sampleHost(HOST));
      await waitFor(async () => (await bus.hosts.list()).length === 1, { message: 'tracked' });
      await redis.stop();
      await redis.start();
      expect(await bus.hosts.list()).toEqual([]);
      // What an agent's heartbeat does once it sees its info gone; the first may precede the
      // tracker's re-subscription, the next beat is heard.
      await waitFor(
        async () => {
          await bus.hosts.announce(sampleHost(HOST));
          return (await bus.hosts.list()).length === 1;
        },
        { intervalMs: 50, message: 'the host tracked again after the restart' },
      );
    } finally {
      await stop();
    }
  });
});

describe('redis bus while Redis is unreachable', () => {
  it('does not hold a start or a stop of host tracking', async () => {
    const warnings: string[] = [];
    const bus = createRedisBus({
      url: `redis://127.0.0.1:${await freePort()}`,
      logger: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    });
    const started = Date.now();
    const stop = await bus.hosts.track();
    // The first subscription and scan are still pending (ioredis retries them): start waits 2 s.
    expect(Date.now() - started).toBeLessThan(4_000);
    const stopping = Date.now();
    await stop();
    await bus.close();
    expect(Date.now() - stopping).toBeLessThan(1_000);
  });

  it('fails every call made after close at once, instead of queueing it for a Redis that never comes', async () => {
    const bus = createRedisBus({
      url: `redis://127.0.0.1:${await freePort()}`,
      logger: { warn: () => undefined, error: () => undefined },
    });
    // Let the connection fail once, so ioredis is between reconnect attempts.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await bus.close();
    const calls = [bus.hosts.list(), bus.events.snapshotAt('h'), bus.snapshots.list('h')];
    const outcomes = await Promise.race([
      Promise.allSettled(calls),
      new Promise((resolve) => setTimeout(() => resolve('pending'), 2_000)),
    ]);
    expect(outcomes).not.toBe('pending');
    expect((outcomes as PromiseSettledResult<unknown>[]).map((o) => o.status)).toEqual([
      'rejected',
      'rejected',
      'rejected',
    ]);
  });
});
