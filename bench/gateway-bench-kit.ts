/**
 * Shared parts of the gateway benchmarks: real processes (redis-server, an agent, gateway
 * replicas in processes of their own), test containers, socket clients, and statistics.
 *
 * Run a benchmark with:  node -r ./apps/gateway/test/support/ts-hook.js bench/gateway-<name>.ts
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { createRedisBus, type Bus } from '@flotilla/bus';
import {
  startRedis,
  testContainers,
  waitFor,
  type RedisHandle,
  type TestContainers,
} from '@flotilla/testing';
import { startReplicaChild, type ReplicaChild } from '../apps/gateway/test/support/replica-child';
import { TestClient } from '../apps/gateway/test/support/test-client';

const ROOT = join(__dirname, '..');
const TS_HOOK = join(ROOT, 'apps/gateway/test/support/ts-hook.js');
/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const CLK_TCK = 100;

export { TestClient, waitFor };

export interface Fleet {
  redis: RedisHandle;
  bus: Bus;
  hostId: string;
  replicas: ReplicaChild[];
  containers: TestContainers;
  close(): Promise<void>;
}

/** redis-server, one agent (child process) for the local dockerd, and `replicas` gateway replicas. */
export async function startFleet(
  replicas: number,
  options: { agent?: boolean } = {},
): Promise<Fleet> {
  const redis = await startRedis();
  const bus = createRedisBus({ url: redis.url, name: 'bench' });
  const hostId = `bench-${process.pid}`;
  const agent = options.agent === false ? undefined : startAgentChild(redis.url, hostId);
  const started: ReplicaChild[] = [];
  for (let i = 0; i < replicas; i++) {
    started.push(
      await startReplicaChild(
        { REDIS_URL: redis.url, PORT: '0', LOG_LEVEL: 'warn', WEB_DIST: '/nonexistent' },
        { exposeGc: true },
      ),
    );
  }
  if (agent)
    await waitFor(async () => (await bus.hosts.get(hostId))?.online === true, {
      timeoutMs: 20_000,
      message: 'agent online',
    });
  const containers = testContainers();
  return {
    redis,
    bus,
    hostId,
    replicas: started,
    containers,
    async close() {
      await containers.removeAll();
      await Promise.allSettled(started.map((r) => r.close()));
      if (agent) await stopChild(agent);
      await bus.close();
      await redis.close();
    },
  };
}

function startAgentChild(redisUrl: string, hostId: string): ChildProcess {
  return fork(join(ROOT, 'apps/docker-agent/src/main.ts'), [], {
    execArgv: ['-r', TS_HOOK],
    env: { PATH: process.env.PATH ?? '', REDIS_URL: redisUrl, HOST_ID: hostId, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/**
 * Starts any TypeScript entry of the repository in a child process; `execArgv` adds Node flags
 * (--cpu-prof, --max-old-space-size…).
 */
export function startTsChild(
  entry: string,
  env: Record<string, string>,
  options: { exposeGc?: boolean; execArgv?: string[] } = {},
): ChildProcess {
  return fork(join(ROOT, entry), [], {
    execArgv: [
      '-r',
      TS_HOOK,
      ...(options.exposeGc ? ['--expose-gc'] : []),
      ...(options.execArgv ?? []),
    ],
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** A benchmark's setting: a `NAME=value` argument, else the environment, else the default. */
export function setting(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`${name}=`));
  return arg?.slice(name.length + 1) ?? process.env[name] ?? fallback;
}

/** User + system CPU time of a process so far, in seconds (Linux /proc). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** A memory field of /proc/<pid>/status (VmRSS, RssAnon…) in MiB; NaN when absent. */
export function statusMiB(pid: number, field: string): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(
    readFileSync(`/proc/${pid}/status`, 'utf8'),
  );
  return match ? Number(match[1]) / 1024 : NaN;
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * A container that prints `ready`, waits for /tmp/go, then prints `line 1` … `line n` as fast
 * as awk can, then sleeps.
 */
export function floodAfterGo(containers: TestContainers, lines: number): Promise<Docker.Container> {
  return containers.create(
    `echo ready; while [ ! -f /tmp/go ]; do sleep 0.02; done; awk -v n=${lines} 'BEGIN { for (i = 1; i <= n; i++) print "line " i }'; while true; do sleep 3600; done`,
  );
}

export async function touch(container: Docker.Container, path: string): Promise<void> {
  const exec = await container.exec({
    Cmd: ['touch', path],
    AttachStdout: false,
    AttachStderr: false,
  });
  const stream = (await exec.start({ Detach: true })) as unknown as
    { destroy?: () => void } | undefined;
  stream?.destroy?.();
}

/** Follows a container's log straight from Docker (dockerode) and resolves when `lines` lines arrived. */
export async function directFollow(
  docker: Docker,
  container: Docker.Container,
  lines: number,
): Promise<{ ready: Promise<void>; done: Promise<void>; close(): void }> {
  const stream = (await container.logs({
    follow: true,
    stdout: true,
    stderr: true,
    timestamps: true,
    tail: 10,
  })) as unknown as NodeJS.ReadableStream & {
    destroy(): void;
  };
  const out = new PassThrough();
  docker.modem.demuxStream(stream, out, out);
  let count = 0;
  let resolveDone!: () => void;
  let resolveReady!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const ready = new Promise<void>((r) => (resolveReady = r));
  out.on('data', (chunk: Buffer) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
      count++;
      if (count === 1) resolveReady();
      if (count >= lines + 1) resolveDone();
    }
  });
  return { ready, done, close: () => stream.destroy() };
}

/** Total log lines a client received for a container (from entry refs, without splitting text). */
export function linesReceived(client: TestClient, containerId: string): number {
  let n = 0;
  for (const update of client.logUpdates(containerId)) for (const ref of update.entries) n += ref.n;
  return n;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export async function connectMany(
  urls: string[],
  count: number,
  batch = 50,
): Promise<TestClient[]> {
  const clients: TestClient[] = [];
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    clients.push(
      ...(await Promise.all(
        Array.from({ length: n }, (_, j) => TestClient.connect(urls[(i + j) % urls.length])),
      )),
    );
  }
  return clients;
}

/**
 * A socket that only counts: log lines per update (by entry refs, or by newlines for the
 * seed-style server) and when the wanted count is reached. Keeps no payloads.
 */
export class CountingClient {
  lines = 0;
  private target = Infinity;
  private onTarget: (() => void) | undefined;
  private readyLine = false;
  private onReady: (() => void) | undefined;

  private constructor(readonly socket: import('socket.io-client').Socket) {
    socket.on('log_update', (update: { log: string; entries?: { n: number }[] }) => {
      let n = 0;
      if (update.entries) for (const ref of update.entries) n += ref.n;
      else
        for (let i = update.log.indexOf('\n'); i !== -1; i = update.log.indexOf('\n', i + 1)) n++;
      if (!this.readyLine && n > 0) {
        this.readyLine = true;
        this.onReady?.();
      }
      this.lines += n;
      if (this.lines >= this.target) this.onTarget?.();
    });
  }

  static async connect(url: string): Promise<CountingClient> {
    const { io } = await import('socket.io-client');
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return new CountingClient(socket);
  }

  /** Resolves once the first line (the container's `ready`) arrived. */
  ready(): Promise<void> {
    return this.readyLine ? Promise.resolve() : new Promise((resolve) => (this.onReady = resolve));
  }

  /** Resolves once `lines` lines in total arrived. */
  reach(lines: number): Promise<void> {
    this.target = lines;
    return this.lines >= lines
      ? Promise.resolve()
      : new Promise((resolve) => (this.onTarget = resolve));
  }

  start(containerId: string): Promise<unknown> {
    return this.socket
      .timeout(10_000)
      .emitWithAck('start_log_stream', { container_id: containerId, tail: 10 });
  }

  close(): void {
    this.socket.disconnect();
  }
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
