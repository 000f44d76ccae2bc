import { RedisKeys, type FleetEvent } from '@flotilla/contracts';
import { startRedis, waitFor, type RedisHandle } from '@flotilla/testing';
import Redis from 'ioredis';
import type { Bus } from './ports';
import { createRedisBus } from './redis/redis-bus';
import { sampleContainer } from '../testing/samples';

function event(hostId: string): FleetEvent {
  return { v: 1, type: 'container', container: sampleContainer(hostId, 1) };
}

/** A user as confined as an agent could be: no CLIENT command at all. */
describe('redis bus under an ACL without CLIENT', () => {
  let redis: RedisHandle;
  let bus: Bus;
  const warnings: string[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const admin = new Redis(redis.url);
    await admin.acl('SETUSER', 'agent', 'on', '>secret', '~*', '&*', '+@all', '-client');
    await admin.quit();
    const url = redis.url.replace('redis://', 'redis://agent:secret@');
    bus = createRedisBus({
      url,
      followerBlockMs: 200,
      logger: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    });
  });

  afterAll(async () => {
    await bus.close();
    await redis.close();
  });

  it('still follows, picking up new streams when a block times out', async () => {
    const seen: string[] = [];
    const follower = bus.follower((_key, entries) => seen.push(...entries.map((e) => e.id)));
    follower.follow(RedisKeys.events('acl-a'), '0-0');
    const first = await bus.events.append('acl-a', event('acl-a'));
    await waitFor(() => seen.includes(first), { intervalMs: 10 });
    follower.follow(RedisKeys.events('acl-b'), '0-0');
    const second = await bus.events.append('acl-b', event('acl-b'));
    await waitFor(() => seen.includes(second), { intervalMs: 10, timeoutMs: 2_000 });
    expect(warnings.some((w) => w.includes('cannot interrupt'))).toBe(true);
    await follower.close();
  });
});
