import { startRedis, type RedisHandle } from '@flotilla/testing';
import Redis from 'ioredis';
import { busContract } from './bus.contract';
import { createRedisBus } from './redis/redis-bus';

let redis: RedisHandle;
let raw: Redis;

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
});

afterAll(async () => {
  await raw.quit();
  await redis.close();
});

for (const protocol of [2, 3] as const) {
  busContract(`redis (RESP${protocol})`, ({ logger, heartbeatTtlMs, retention }) => {
    const bus = createRedisBus({
      url: redis.url,
      logger,
      heartbeatTtlMs,
      retention,
      protocol,
      name: `test-resp${protocol}`,
    });
    return Promise.resolve({
      bus,
      raw: {
        set: async (key, value) => void (await raw.set(key, value)),
        hset: async (key, field, value) => void (await raw.hset(key, field, value)),
        xadd: async (key, id, fields) => {
          const added = await raw.xadd(key, id, ...Object.entries(fields).flat());
          if (added === null) throw new Error('XADD returned no id');
          return added;
        },
        publish: async (channel) => void (await raw.publish(channel, '')),
      },
      close: () => bus.close(),
    });
  });
}
