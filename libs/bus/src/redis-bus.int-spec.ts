import { startRedis, type RedisHandle } from '@flotilla/testing';
import Redis from 'ioredis';
import { busContract } from './bus.contract';
import { rawAccess } from './contract/contract-context';
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
      raw: rawAccess(raw),
      close: () => bus.close(),
    });
  });
}
