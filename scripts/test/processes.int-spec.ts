/**
 * The built apps as processes: `--help`, one-line configuration errors, structured logs, and
 * standalone mode without a Docker engine (it starts, says which engine it cannot reach, the
 * page's data shows it, and it connects once the engine appears), then SIGTERM exits 0.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, testContainers, waitFor } from '@flotilla/testing';
import { TestClient } from '../../apps/gateway/test/support/test-client';

const root = join(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require('../ensure-built') as { ensureBuilt(): void };
const GATEWAY = join(root, 'dist/apps/gateway/apps/gateway/src/main.js');
const AGENT = join(root, 'dist/apps/docker-agent/main.js');
const DOCKER_SOCKET = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(
  /^unix:\/\//,
  '',
);

/** The environment without anything that would pick a mode or a fleet for the apps. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ['REDIS_URL', 'WEB_DIST', 'NODE_OPTIONS', 'FLOTILLA_STANDALONE'])
    if (!(name in extra)) delete env[name];
  return env;
}

function exitOf(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

beforeAll(() => ensureBuilt(), 900_000);

describe.each([
  [
    'gateway',
    GATEWAY,
    ['PORT', 'HOST', 'REDIS_URL', 'DOCKER_HOST', 'HOST_ID', 'AUTH_MODE', 'LOG_LEVEL', 'WEB_DIST'],
    { PORT: 'abc' },
    /^flotilla gateway: PORT must be a number/,
  ],
  [
    'agent',
    AGENT,
    ['REDIS_URL', 'DOCKER_HOST', 'HOST_ID', 'HOST_LABELS', 'LOG_LEVEL'],
    { LOG_LEVEL: 'loud' },
    /^flotilla agent: .*LOG_LEVEL/,
  ],
])('the %s process', (_name, main, variables, badEnv, firstLine) => {
  it('lists its environment variables on --help', () => {
    const help = spawnSync(process.execPath, [main, '--help'], {
      encoding: 'utf8',
      env: cleanEnv({}),
    });
    expect(help.status).toBe(0);
    for (const name of variables) expect(help.stdout).toMatch(new RegExp(`^ {2}${name}\\s`, 'm'));
  });

  it('reports a configuration error in one line and exits 2', () => {
    const run = spawnSync(process.execPath, [main], {
      encoding: 'utf8',
      env: cleanEnv({ ...badEnv, REDIS_URL: 'redis://127.0.0.1:1' }),
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(firstLine);
  });
});

describe('standalone without a Docker engine', () => {
  const containers = testContainers();
  let dir: string | undefined;
  let proxy: Server | undefined;
  let server: ChildProcess | undefined;
  let client: TestClient | undefined;
  let output = '';

  afterAll(async () => {
    client?.close();
    if (server && server.exitCode === null) server.kill('SIGKILL');
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    await containers.removeAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('starts, says which engine it cannot reach, shows it, and connects once the engine appears', async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-noengine-'));
    const socketPath = join(dir, 'docker.sock');
    const port = await freePort();
    const hostId = `no-engine-${process.pid}`;
    server = spawn(process.execPath, [GATEWAY], {
      cwd: root,
      env: cleanEnv({ PORT: String(port), DOCKER_HOST: `unix://${socketPath}`, HOST_ID: hostId }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    server.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${url}/healthz`)).ok, {
      timeoutMs: 30_000,
      message: 'the gateway to listen',
    });

    // JSON lines (stdout is a pipe), one of which names the engine it cannot reach.
    const lines = await waitFor(
      () => {
        const parsed = output
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { level: string; msg: string });
        return parsed.some((l) => l.msg.includes(socketPath) && /unreachable/i.test(l.msg))
          ? parsed
          : undefined;
      },
      { timeoutMs: 20_000, message: 'a log line naming the unreachable engine' },
    );
    expect(lines.every((l) => typeof l.level === 'string' && typeof l.msg === 'string')).toBe(true);

    client = await TestClient.connect(url);
    const host = await waitFor(
      async () => {
        const probe = await TestClient.connect(url);
        const found = probe.all('initial_state')[0].hosts.find((h) => h.host_id === hostId);
        probe.close();
        return found && !found.engine.reachable ? found : undefined;
      },
      { timeoutMs: 20_000, message: 'the host with engine.reachable=false' },
    );
    expect(host.online).toBe(true);
    expect(host.engine.error).toBeTruthy();

    // The engine appears: a unix socket forwarding to the real one.
    const container = await containers.create('echo hello; while true; do sleep 3600; done');
    proxy = createServer((downstream) => {
      const upstream = connect(DOCKER_SOCKET);
      downstream.pipe(upstream).pipe(downstream);
      const cut = (): void => {
        downstream.destroy();
        upstream.destroy();
      };
      downstream.on('error', cut);
      upstream.on('error', cut);
    });
    await new Promise<void>((resolve) => proxy!.listen(socketPath, resolve));
    // A client connecting now sees the engine reachable and its containers.
    await waitFor(
      async () => {
        const probe = await TestClient.connect(url);
        const state = probe.all('initial_state')[0];
        probe.close();
        const found = state.hosts.find((h) => h.host_id === hostId);
        return (
          found?.engine.reachable &&
          state.containers.some((c) => container.id.startsWith(c.container_id))
        );
      },
      {
        timeoutMs: 60_000,
        intervalMs: 500,
        message: 'the engine reachable and its container listed',
      },
    );

    server.kill('SIGTERM');
    expect(await exitOf(server, 20_000)).toBe(true);
    expect(server.exitCode).toBe(0);
  }, 180_000);
});
