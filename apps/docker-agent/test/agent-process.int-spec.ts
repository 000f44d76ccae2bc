import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Bus } from '@flotilla/bus';
import { startRedis, waitFor, type RedisHandle } from '@flotilla/testing';
import { Resources, uniqueHostId } from './agent-harness';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '../../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const MAIN = join(ROOT, 'apps/docker-agent/src/main.ts');

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('agent process (npm run start:agent)', () => {
  const res = new Resources();
  const children: ChildProcess[] = [];
  let redis: RedisHandle;
  let bus: Bus;

  beforeAll(async () => {
    redis = await startRedis();
    bus = res.bus(redis.url);
  });
  afterEach(() => {
    for (const child of children.splice(0))
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  afterAll(async () => {
    await res.closeAll();
    await redis?.close();
  });

  /** Runs the agent's entry point with exactly these variables (plus PATH). */
  function run(env: Record<string, string>, args: string[] = []): Run {
    const child = spawn(TSX, [MAIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    return { child, stdout: () => out, stderr: () => err, exited };
  }

  const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
    Promise.race([
      p,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`timed out: ${what}`)), ms).unref(),
      ),
    ]);

  it('--help lists every variable it reads', async () => {
    const r = run({}, ['--help']);
    expect(await within(r.exited, 20_000, 'exit')).toEqual({ code: 0, signal: null });
    for (const name of [
      'REDIS_URL',
      'DOCKER_HOST',
      'HOST_ID',
      'HOST_LABELS',
      'AGENT_ALLOW_REMOVE',
      'LOG_LEVEL',
      'FLOTILLA_STANDALONE',
    ]) {
      expect(r.stdout()).toContain(name);
    }
  });

  it('refuses an invalid configuration with one line on stderr and exit code 2', async () => {
    const r = run({ REDIS_URL: redis.url, HOST_ID: 'not a host id' });
    expect(await within(r.exited, 20_000, 'exit')).toEqual({ code: 2, signal: null });
    expect(r.stderr().trim().split('\n')).toEqual([
      expect.stringMatching(/^flotilla agent: invalid configuration: HOST_ID /) as string,
    ]);
    expect(r.stderr()).not.toMatch(/\bat .*\.ts:\d+/);
    const missing = run({ HOST_ID: 'x' });
    expect((await within(missing.exited, 20_000, 'exit')).code).toBe(2);
    expect(missing.stderr()).toContain('REDIS_URL is required');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s marks the host offline at once and exits 0',
    async (sig) => {
      const hostId = uniqueHostId('proc');
      const r = run({ REDIS_URL: redis.url, HOST_ID: hostId, LOG_LEVEL: 'warn' });
      await waitFor(async () => (await bus.hosts.get(hostId))?.online === true, {
        timeoutMs: 20_000,
        message: `host online (${r.stderr()})`,
      });
      r.child.kill(sig);
      expect(await within(r.exited, 10_000, 'exit after the signal')).toEqual({
        code: 0,
        signal: null,
      });
      expect((await bus.hosts.get(hostId))?.online).toBe(false);
      const events = await bus.events.range(hostId, '0-0', 1_000);
      const last = events[events.length - 1]?.value;
      expect(last).toMatchObject({ type: 'host', online: false, host: { host_id: hostId } });
      expect(r.stderr()).not.toMatch(/unhandled|Error:/i);
    },
  );
});
