/**
 * Docker agent benchmark.
 *
 *   1. Throughput: one container floods N numbered lines; lines/s stored in Redis through the
 *      agent vs dockerode reading the same container's log directly (demultiplexed and split into
 *      lines), in the same run:
 *        - catch-up: the log is complete, both read it from its first line as fast as they can
 *          (the agent resumes after a planted entry older than the container);
 *        - live: both follow the container from its start while it floods.
 *   2. Footprint: the agent's RSS and CPU while it follows 50 containers printing a line every
 *      100 ms.
 *
 * The agent runs as its own process (the built one): `npm run build:agent` first. Also measured:
 * its start time (process spawned → host online) and idle RSS once online.
 * Run: npx tsx bench/agent-throughput.ts [lines=200000 (0: no throughput part)] [containers=50] [seconds=30]
 *        [--agent=<built main.js>] [--node-flags="<flags for node>"]
 * (defaults: the bundle of `npm run build:agent`, run as `npm run start:agent` runs it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import Docker from 'dockerode';
import { createRedisBus, type Bus } from '@flotilla/bus';
import { TIMINGS } from '@flotilla/contracts';
import { floodLines, startRedis, testContainers, ticker, waitFor } from '@flotilla/testing';
import { cpuSeconds, statusMiB } from './gateway-bench-kit';

const ROOT = join(__dirname, '..');
const option = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const [LINES = 200_000, CONTAINERS = 50, SECONDS = 30] = process.argv
  .slice(2)
  .filter((a) => !a.startsWith('--'))
  .map(Number);
const TRIALS = 3;
const AGENT = resolve(ROOT, option('agent') ?? 'dist/apps/docker-agent/main.js');
/** The flags `npm run start:agent` passes (package.json), unless given. */
const NODE_FLAGS = (option('node-flags') ?? startAgentFlags()).split(/\s+/).filter(Boolean);

const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Reads a container's log through dockerode (following: a stopped container's stream ends after
 * its last line), demultiplexed, counting whole lines.
 */
async function directRead(
  container: Docker.Container,
  until: number,
  t0 = performance.now(),
): Promise<number> {
  const stream = (await container.logs({
    follow: true,
    stdout: true,
    stderr: true,
    timestamps: true,
  })) as unknown as NodeJS.ReadableStream & { destroy(): void };
  let lines = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  const counter = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      if (lines >= until) done();
      cb();
    },
  });
  docker.modem.demuxStream(stream, counter, counter);
  stream.on('end', () => done());
  await finished;
  stream.destroy();
  if (lines < until) throw new Error(`direct read got ${lines} of ${until} lines`);
  return performance.now() - t0;
}

/** Waits until the container's stored log reaches line `seq`; returns the time it took. */
async function storedUpTo(
  bus: Bus,
  hostId: string,
  id: string,
  seq: number,
  t0: number,
): Promise<number> {
  await waitFor(async () => ((await bus.logs.last(hostId, id))?.seq ?? 0) >= seq, {
    timeoutMs: 120_000,
    intervalMs: 5,
    message: `${seq} stored lines`,
  });
  return performance.now() - t0;
}

function startAgentFlags(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return /^node (.*?)\s*\S+$/.exec(pkg.scripts['start:agent'])?.[1] ?? '';
}

function startAgentProcess(redisUrl: string, hostId: string): ChildProcess {
  if (!existsSync(AGENT)) throw new Error(`${AGENT} is missing: run npm run build:agent first`);
  const child = spawn(process.execPath, [...NODE_FLAGS, AGENT], {
    env: { PATH: process.env.PATH ?? '', REDIS_URL: redisUrl, HOST_ID: hostId, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

const rssMiB = (pid: number): number => statusMiB(pid, 'VmRSS');

/** Anonymous and file-backed parts of the RSS. */
function rssDetail(pid: number): string {
  const [anon, file] = ['RssAnon', 'RssFile'].map((f) => statusMiB(pid, f).toFixed(1));
  return `anon ${anon}, file ${file}`;
}

/** Keeps a logs lease on each container, as a gateway would. */
function holdLeases(bus: Bus, hostId: string, ids: string[]): () => void {
  const renew = () =>
    Promise.all(
      ids.map((id) => bus.leases.acquire('logs', hostId, id, 'bench', TIMINGS.leaseTtlMs)),
    );
  void renew();
  const timer = setInterval(() => void renew().catch(() => undefined), TIMINGS.leaseRenewMs);
  return () => clearInterval(timer);
}

async function main(): Promise<void> {
  const redis = await startRedis();
  const bus = createRedisBus({ url: redis.url, name: 'flotilla-bench' });
  const hostId = `bench-${randomBytes(3).toString('hex')}`;
  const containers = testContainers(docker);
  const spawnedAt = performance.now();
  const agent = startAgentProcess(redis.url, hostId);
  // Whatever happens to this process, the agent does not outlive it.
  process.on('exit', () => agent.kill('SIGKILL'));
  const stops: (() => void)[] = [];
  try {
    await waitFor(async () => (await bus.hosts.get(hostId))?.online === true, {
      timeoutMs: 120_000,
      intervalMs: 10,
      message: 'agent online',
    });
    const startMs = performance.now() - spawnedAt;
    await sleep(10_000); // as the idle figures were always taken: online + 10 s
    const idleRss = rssMiB(agent.pid!);
    const known = (id: string) =>
      waitFor(async () => (await bus.snapshots.get(hostId, id)) !== null, { timeoutMs: 120_000 });
    console.log(
      `# Agent benchmark: ${LINES} lines, ${TRIALS} trials each (median), dockerd ${(await docker.version()).Version}`,
    );
    console.log(`agent: node ${NODE_FLAGS.join(' ')} ${AGENT}`);
    console.log(
      `start: ${startMs.toFixed(0)} ms from spawn to host online; idle: RSS ${idleRss.toFixed(1)} MiB ` +
        `(${rssDetail(agent.pid!)}) 10 s after online, following nothing`,
    );

    // lines = 0: the footprint alone.
    if (LINES > 0) {
      // 1a. Catch-up: the whole log is there; both read it from its first line.
      const catchUp = { direct: [] as number[], agent: [] as number[] };
      for (let trial = 0; trial < TRIALS; trial++) {
        const c = await containers.create(floodLines(LINES, 'n'));
        await c.wait();
        await known(c.id);
        catchUp.direct.push(await directRead(c, LINES));
        // Plant an entry older than the container: the agent resumes right after it, at line 1.
        const created = (await c.inspect()).Created;
        await bus.logs.append(hostId, c.id, 1, {
          lines: [`${created} (bench start)`],
          stderr: [],
          lastTimestamp: created,
        });
        const t0 = performance.now();
        const stop = holdLeases(bus, hostId, [c.id]);
        catchUp.agent.push(await storedUpTo(bus, hostId, c.id, LINES + 1, t0));
        stop();
        await containers.remove(c.id);
      }

      // 1b. Live: both follow the container from its start.
      const live = { direct: [] as number[], agent: [] as number[] };
      for (let trial = 0; trial < TRIALS; trial++) {
        const c = await containers.create(floodLines(LINES, 'n'), { autoStart: false });
        await known(c.id);
        const stop = holdLeases(bus, hostId, [c.id]);
        await sleep(1_500); // the agent takes the lease and reads the (empty) log once
        const t0 = performance.now();
        await c.start();
        // Docker follows a running container only: the direct read starts right after the start
        // (from the log's first line), both timed from just before it.
        const [directMs, agentMs] = await Promise.all([
          directRead(c, LINES, t0),
          storedUpTo(bus, hostId, c.id, LINES, t0),
        ]);
        live.direct.push(directMs);
        live.agent.push(agentMs);
        stop();
        await containers.remove(c.id);
      }
      const rate = (ms: number) => Math.round(LINES / (ms / 1000));
      for (const [name, r] of [
        ['catch-up', catchUp],
        ['live', live],
      ] as const) {
        const d = rate(median(r.direct));
        const a = rate(median(r.agent));
        console.log(
          `${name}: dockerode direct ${d} lines/s, agent into Redis ${a} lines/s, ratio ${(a / d).toFixed(2)}`,
        );
      }
    }

    // 2. Footprint while following N tickers.
    const tickers: string[] = [];
    for (let i = 0; i < CONTAINERS; i++)
      tickers.push((await containers.create(ticker('t', 0.1))).id);
    await Promise.all(tickers.map(known));
    stops.push(holdLeases(bus, hostId, tickers));
    const total = async () =>
      (
        await Promise.all(tickers.map(async (id) => (await bus.logs.last(hostId, id))?.seq ?? 0))
      ).reduce((a, b) => a + b, 0);
    await sleep(5_000); // warm-up
    const pid = agent.pid!;
    const cpu0 = cpuSeconds(pid);
    const lines0 = await total();
    const rss: number[] = [];
    const t0 = performance.now();
    while (performance.now() - t0 < SECONDS * 1000) {
      rss.push(rssMiB(pid));
      await sleep(1_000);
    }
    const elapsed = (performance.now() - t0) / 1000;
    const cpu = ((cpuSeconds(pid) - cpu0) / elapsed) * 100;
    const lines = (await total()) - lines0;
    console.log(
      `footprint: ${CONTAINERS} containers × 10 lines/s for ${elapsed.toFixed(0)} s: agent CPU ${cpu.toFixed(1)} % of one core, ` +
        `RSS median ${median(rss).toFixed(1)} MiB (max ${Math.max(...rss).toFixed(1)}), ${Math.round(lines / elapsed)} lines/s stored`,
    );
  } finally {
    for (const stop of stops) stop();
    agent.kill('SIGTERM');
    await new Promise((r) => agent.once('exit', r));
    await containers.removeAll();
    await bus.close();
    await redis.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
