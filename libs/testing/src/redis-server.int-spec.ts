import { existsSync } from 'node:fs';
import Redis from 'ioredis';
import { pingRedis, startRedis, waitFor, type RedisHandle } from '@flotilla/testing';

jest.setTimeout(20_000);

describe('startRedis', () => {
  let redis: RedisHandle;
  let client: Redis;

  beforeAll(async () => {
    redis = await startRedis();
    // No offline queue: while the server is down, commands fail at once instead of waiting.
    client = new Redis(redis.url, {
      enableOfflineQueue: false,
      retryStrategy: () => 50,
      lazyConnect: true,
    });
    client.on('error', () => undefined); // connection errors are expected while it is down
    await client.connect();
  });

  afterAll(async () => {
    client.disconnect();
    await redis.close();
  });

  it('serves set/get on a loopback port of its own', async () => {
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    await client.set('greeting', 'hello');
    await expect(client.get('greeting')).resolves.toBe('hello');
    await expect(client.config('GET', 'save')).resolves.toEqual(['save', '']);
  });

  it.each(['stop', 'kill'] as const)(
    '%s makes clients fail, start lets them reconnect',
    async (how) => {
      await redis[how]();
      expect(redis.running).toBe(false);
      await waitFor(() => client.status !== 'ready', { message: 'the client to notice' });
      await expect(client.get('greeting')).rejects.toThrow();

      await redis.start();
      // The client may reconnect while start() still waits for PING: poll its status, not the event.
      await waitFor(() => client.status === 'ready', {
        timeoutMs: 10_000,
        message: 'the client to reconnect',
      });
      await client.set('after', how);
      await expect(client.get('after')).resolves.toBe(how);
      await expect(client.get('greeting')).resolves.toBeNull(); // nothing persisted
    },
  );

  it('close stops the server for good and removes its directory', async () => {
    const other = await startRedis();
    await other.close();
    await expect(pingRedis(other.port)).resolves.toBe(false);
    expect(existsSync(other.dir)).toBe(false);
    await expect(other.start()).rejects.toThrow(/closed/);
  });
});
