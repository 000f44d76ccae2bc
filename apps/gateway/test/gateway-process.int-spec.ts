/**
 * The gateway's entry point as a real process: SIGTERM at any moment of start-up, or while Redis
 * is gone, stops it in order with exit 0 and no unhandled rejection.
 */
import {
  freePort,
  runEntryPoint,
  startRedis,
  waitFor,
  type EntryPointOptions,
  type EntryProcess,
  type RedisHandle,
} from '@flotilla/testing';

jest.setTimeout(180_000);

describe('gateway process (npm run start:gateway)', () => {
  const runs: EntryProcess[] = [];
  let redis: RedisHandle;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(() => {
    for (const r of runs.splice(0)) r.kill();
  });
  afterAll(async () => {
    await redis?.close();
  });

  async function run(
    env: Record<string, string>,
    options: EntryPointOptions = {},
  ): Promise<{ r: EntryProcess; url: string }> {
    const port = await freePort();
    const r = runEntryPoint(
      'apps/gateway/src/main.ts',
      { PORT: String(port), AUTH_MODE: 'none', LOG_LEVEL: 'log', ...env },
      { loader: 'ts-hook', ...options },
    );
    runs.push(r);
    return { r, url: `http://127.0.0.1:${port}` };
  }

  /** Exit 0 within `ms`, nothing on stderr, no unhandled rejection logged. */
  async function expectOrderlyExit(r: EntryProcess, ms = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      r.exited,
      new Promise((resolve) => (timer = setTimeout(() => resolve('still running'), ms))),
    ]);
    clearTimeout(timer);
    expect({ exit, stderr: r.stderr() }).toEqual({ exit: { code: 0, signal: null }, stderr: '' });
    expect(r.output()).not.toMatch(/unhandled rejection/i);
    expect(r.output()).toMatch(/"context":"Main","msg":"stopped"/);
  }

  it('while its code is still loading: exits 0', async () => {
    const { r } = await run({ REDIS_URL: redis.url }, { signalOnLoad: 'reflect-metadata' });
    await expectOrderlyExit(r, 120_000); // the rest of the code loads first
    expect(r.output()).toMatch(/SIGTERM received, stopping/);
    expect(r.output()).not.toMatch(/listening on/);
  });

  it('while Nest starts the application: exits 0', async () => {
    const { r } = await run({ REDIS_URL: redis.url });
    await r.waitForOutput(/Starting Nest application/, 120_000);
    r.child.kill('SIGTERM');
    await expectOrderlyExit(r);
  });

  it('while Redis refuses connections during start-up: exits 0 without waiting for it', async () => {
    const { r } = await run({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    // The bus has tried Redis; the start waits for the host list, which cannot be read.
    await r.waitForOutput(/ECONNREFUSED/, 120_000);
    r.child.kill('SIGTERM');
    await expectOrderlyExit(r);
  });

  it('after Redis went away: exits 0', async () => {
    const { r, url } = await run({ REDIS_URL: redis.url });
    await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok, {
      timeoutMs: 120_000,
      intervalMs: 100,
      message: 'the gateway to listen',
    });
    await redis.stop();
    try {
      await r.waitForOutput(/ECONNREFUSED|ECONNRESET|Connection is closed/, 30_000);
      r.child.kill('SIGTERM');
      await expectOrderlyExit(r);
    } finally {
      await redis.start();
    }
  });

  it('standalone, while its agent starts: exits 0', async () => {
    const { r } = await run({
      HOST_ID: `gw-standalone-${process.pid}`,
      DOCKER_HOST: `unix:///nonexistent/flotilla-${process.pid}.sock`,
    });
    await r.waitForOutput(/standalone: no REDIS_URL/, 120_000);
    r.child.kill('SIGTERM');
    await expectOrderlyExit(r);
  });
});
