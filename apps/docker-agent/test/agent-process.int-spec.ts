import { createServer, type Server, type Socket } from 'node:net';
import type { Bus } from '@flotilla/bus';
import {
  freePort,
  runEntryPoint,
  startRedis,
  waitFor,
  type EntryPointOptions,
  type EntryProcess,
  type RedisHandle,
} from '@flotilla/testing';
import { Resources, uniqueHostId } from './agent-harness';

jest.setTimeout(120_000);

const MAIN = 'apps/docker-agent/src/main.ts';

describe('agent process (npm run start:agent)', () => {
  const res = new Resources();
  const runs: EntryProcess[] = [];
  let redis: RedisHandle;
  let bus: Bus;

  beforeAll(async () => {
    redis = await startRedis();
    bus = res.bus(redis.url);
  });
  afterEach(() => {
    for (const r of runs.splice(0)) r.kill();
  });
  afterAll(async () => {
    await res.closeAll();
    await redis?.close();
  });

  /** Runs the agent's entry point with exactly these variables (plus PATH). */
  function run(env: Record<string, string>, options: EntryPointOptions = {}): EntryProcess {
    const r = runEntryPoint(MAIN, env, options);
    runs.push(r);
    return r;
  }

  const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
    Promise.race([
      p,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`timed out: ${what}`)), ms).unref(),
      ),
    ]);

  it('--help lists every variable it reads', async () => {
    const r = run({}, { args: ['--help'] });
    expect(await within(r.exited, 60_000, 'exit')).toEqual({ code: 0, signal: null });
    for (const name of [
      'REDIS_URL',
      'DOCKER_HOST',
      'HOST_ID',
      'HOST_LABELS',
      'AGENT_ALLOW_REMOVE',
      'LOG_LEVEL',
      'FLOTILLA_STANDALONE',
    ]) {
      expect(r.output()).toContain(name);
    }
  });

  it('refuses an invalid configuration with one line on stderr and exit code 2', async () => {
    const r = run({ REDIS_URL: redis.url, HOST_ID: 'not a host id' });
    expect(await within(r.exited, 60_000, 'exit')).toEqual({ code: 2, signal: null });
    expect(r.stderr().trim().split('\n')).toEqual([
      expect.stringMatching(/^flotilla agent: invalid configuration: HOST_ID /) as string,
    ]);
    expect(r.stderr()).not.toMatch(/\bat .*\.ts:\d+/);
    const missing = run({ HOST_ID: 'x' });
    expect((await within(missing.exited, 60_000, 'exit')).code).toBe(2);
    expect(missing.stderr()).toContain('REDIS_URL is required');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s marks the host offline at once and exits 0',
    async (sig) => {
      const hostId = uniqueHostId('proc');
      const r = run({ REDIS_URL: redis.url, HOST_ID: hostId, LOG_LEVEL: 'warn' });
      await waitFor(async () => (await bus.hosts.get(hostId))?.online === true, {
        timeoutMs: 60_000,
        message: `host online (${r.stderr()})`,
      });
      r.child.kill(sig);
      await expectOrderlyExit(r);
      await expectOffline(hostId);
    },
  );

  /**
   * Exit 0 within `ms` of the signal (10 s: the shutdown's own bound), nothing on stderr, no
   * unhandled rejection logged.
   */
  async function expectOrderlyExit(r: EntryProcess, ms = 10_000): Promise<void> {
    const exit = await within(r.exited, ms, `exit after the signal:\n${r.output()}`);
    expect({ exit, stderr: r.stderr() }).toEqual({ exit: { code: 0, signal: null }, stderr: '' });
    expect(r.output()).not.toMatch(/unhandled rejection/i);
  }

  /** The host is offline at once, and its event stream ends with the host-offline event. */
  async function expectOffline(hostId: string): Promise<void> {
    expect((await bus.hosts.get(hostId))?.online).toBe(false);
    const events = await bus.events.range(hostId, '0-0', 1_000);
    const last = events[events.length - 1]?.value;
    expect(last).toMatchObject({ type: 'host', online: false, host: { host_id: hostId } });
  }

  describe('a stop requested during start-up', () => {
    const servers: Server[] = [];
    afterEach(async () => {
      for (const server of servers.splice(0))
        await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('while its code is still loading: exits 0 and leaves no host online', async () => {
      const hostId = uniqueHostId('early');
      // The signal comes as the entry point loads its first library, before any configuration,
      // connection or host exists.
      const r = run(
        { REDIS_URL: redis.url, HOST_ID: hostId, LOG_LEVEL: 'log' },
        { signalOnLoad: '@flotilla/logging' },
      );
      await expectOrderlyExit(r, 60_000); // the rest of the code loads first

      expect(r.output()).toMatch(/SIGTERM received, stopping/);
      expect((await bus.hosts.get(hostId))?.online ?? false).toBe(false);
    });

    it('the moment its host comes online: exits 0 and marks the host offline', async () => {
      const hostId = uniqueHostId('first-beat');
      const r = run({ REDIS_URL: redis.url, HOST_ID: hostId, LOG_LEVEL: 'warn' });
      await waitFor(async () => (await bus.hosts.get(hostId))?.online === true, {
        timeoutMs: 60_000,
        intervalMs: 5,
        message: 'host online',
      });
      r.child.kill('SIGTERM');
      await expectOrderlyExit(r);
      await expectOffline(hostId);
    });

    it('while Redis refuses connections: exits 0', async () => {
      const port = await freePort();
      const r = run({ REDIS_URL: `redis://127.0.0.1:${port}`, HOST_ID: uniqueHostId('no-redis') });
      // Starting: the bus has tried Redis, and the agent waits up to 5 s for its command stream.
      await r.waitForOutput(/ECONNREFUSED/);
      r.child.kill('SIGTERM');
      await expectOrderlyExit(r);
    });

    it('while Redis accepts but never answers: exits 0', async () => {
      const connected: Socket[] = [];
      const silent = createServer((socket) => {
        connected.push(socket);
        socket.on('error', () => undefined);
      });
      servers.push(silent);
      const port = await freePort();
      await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
      const r = run({ REDIS_URL: `redis://127.0.0.1:${port}`, HOST_ID: uniqueHostId('mute') });
      await waitFor(() => connected.length > 0, { timeoutMs: 30_000, intervalMs: 5 });
      r.child.kill('SIGTERM');
      await expectOrderlyExit(r);
      for (const socket of connected) socket.destroy();
    });

    it('while Docker is unreachable: exits 0 and marks the host offline', async () => {
      const hostId = uniqueHostId('no-engine');
      const r = run({
        REDIS_URL: redis.url,
        HOST_ID: hostId,
        DOCKER_HOST: `unix:///nonexistent/flotilla-${process.pid}.sock`,
        LOG_LEVEL: 'warn',
      });
      await waitFor(async () => (await bus.hosts.get(hostId))?.online === true, {
        timeoutMs: 60_000,
        intervalMs: 5,
        message: 'host online',
      });
      r.child.kill('SIGTERM');
      await expectOrderlyExit(r);
      await expectOffline(hostId);
      expect(r.output()).toMatch(/unreachable/);
    });
  });
});
