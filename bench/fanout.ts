/**
 * Fan-out at fleet scale: a simulated fleet (bench/fleet-sim) producing state changes at a total
 * rate, K gateway replicas (child processes), M socket.io clients in helper processes. Measures
 * state-change latency (engine change → client receipt) p50/p99, CPU and RSS per replica, Redis
 * ops/s and memory.
 *
 *   node -r ./apps/gateway/test/support/ts-hook.js bench/fanout.ts \
 *     HOSTS=50 CONTAINERS=100 REPLICAS=2 CLIENTS=1000 EVENTS_PER_S=50 SECONDS=30 PROFILE=1
 *
 * PROFILE=1 CPU-profiles the last replica and prints where its time went.
 * VIEW=1: each client connects as the page does over the line (`auth.view`: counts of every host,
 * the containers of one host, round-robin), so a change reaches the clients viewing its host.
 * STORM=1: after the window, replica 1 is killed and each of its clients connects again at once
 * to the survivors (as behind a load balancer); measures the time until all are served and the
 * survivors' peak RSS. CLIENTS_ON=K puts every client on the first K replicas (default all):
 * REPLICAS=2 CLIENTS_ON=1 STORM=1 sends every client to one survivor.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createRedisBus, JSON_FIELD } from '@flotilla/bus';
import { RedisKeys, type FleetEvent } from '@flotilla/contracts';
import { startRedis, waitFor } from '@flotilla/testing';
import { startReplicaChild, type ReplicaChild } from '../apps/gateway/test/support/replica-child';
import { startFleetSim } from './fleet-sim/fleet-sim';
import { cpuSeconds, setting, startTsChild, statusMiB } from './gateway-bench-kit';

const numberSetting = (name: string, fallback: string): number => Number(setting(name, fallback));

const HOSTS = numberSetting('HOSTS', '50');
const CONTAINERS = numberSetting('CONTAINERS', '100');
const SIM_WORKERS = numberSetting('SIM_WORKERS', '2');
const REPLICAS = numberSetting('REPLICAS', '2');
const CLIENTS = numberSetting('CLIENTS', '1000');
const CLIENT_WORKERS = numberSetting('CLIENT_WORKERS', '4');
const CONNECT_CONCURRENCY = numberSetting('CONNECT_CONCURRENCY', '4');
const LOG_FOLLOWERS = numberSetting('LOG_FOLLOWERS', '0');
const EVENTS_PER_S = numberSetting('EVENTS_PER_S', '50');
const SECONDS = numberSetting('SECONDS', '30');
const PROFILE = numberSetting('PROFILE', '0') === 1;
const VIEW = numberSetting('VIEW', '0') === 1;
const STORM = numberSetting('STORM', '0') === 1;
const CLIENTS_ON = numberSetting('CLIENTS_ON', String(REPLICAS));

interface ClientReport {
  buckets: [number, number][];
  totals: {
    changes: number;
    logLines: number;
    counts: number;
    errors: number;
    disconnects: number;
  };
  rss: number;
  cpu: NodeJS.CpuUsage;
  connected: number;
  reasons: Record<string, number>;
  countsBytes: number[];
  firstDisconnectAt: number;
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
}

async function redisInfo(redis: Redis): Promise<Record<string, string>> {
  const text = await redis.info();
  return Object.fromEntries(
    text
      .split('\r\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
  );
}

/**
 * The agent's share of the latency: for each event appended in [from, to], the time from the
 * engine's change (in the container) to the entry's id (Redis's clock when the agent appended it).
 */
async function agentLatencies(
  redis: Redis,
  hostIds: string[],
  from: number,
  to: number,
): Promise<Map<number, number>> {
  const buckets = new Map<number, number>();
  for (const hostId of hostIds) {
    const entries = await redis.xrange(RedisKeys.events(hostId), String(from), String(to));
    for (const [id, fields] of entries) {
      const event = JSON.parse(fields[fields.indexOf(JSON_FIELD) + 1]) as FleetEvent;
      if (event.type !== 'container') continue;
      const c = event.container;
      const at = c.state === 'running' ? c.started_at : c.state === 'exited' ? c.finished_at : null;
      if (at === null) continue;
      const ms = Math.max(0, Number(id.slice(0, id.indexOf('-'))) - Date.parse(at));
      buckets.set(ms, (buckets.get(ms) ?? 0) + 1);
    }
  }
  return buckets;
}

/**
 * Each replica's responsiveness over the window: its answer time to an IPC question, asked every
 * 500 ms (a replica whose event loop is stuck answers late). Stop it to get the max per replica.
 */
function sampleAnswerTimes(replicas: ReplicaChild[]): () => number[] {
  const max = replicas.map(() => 0);
  let stopped = false;
  const loops = replicas.map(async (r, i) => {
    while (!stopped) {
      const t = Date.now();
      await r.inspect().catch(() => undefined);
      max[i] = Math.max(max[i], Date.now() - t);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });
  return () => {
    stopped = true;
    void Promise.all(loops);
    return max;
  };
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

function percentile(buckets: Map<number, number>, total: number, p: number): number {
  let seen = 0;
  for (const ms of [...buckets.keys()].sort((a, b) => a - b)) {
    seen += buckets.get(ms)!;
    if (seen >= total * p) return ms;
  }
  return NaN;
}

interface StormStatus {
  waiting: number;
  failed: number;
  lastServedAt: number;
  rss: number;
}

function startClients(
  urls: string[],
  count: number,
  first: number,
  viewHosts: string[],
): {
  child: ChildProcess;
  ready: Promise<{ connectedMs: number; connectTimes: number[]; initialBytes: number }>;
} {
  const child = startTsChild(
    'bench/fleet-sim/fanout-client-worker.ts',
    {
      FANOUT_CLIENTS: JSON.stringify({
        urls,
        count,
        first,
        connectConcurrency: CONNECT_CONCURRENCY,
        viewHosts,
      }),
    },
    { execArgv: ['--max-old-space-size=4096'] },
  );
  const ready = new Promise<{ connectedMs: number; connectTimes: number[]; initialBytes: number }>(
    (resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`client worker exited (${code})`)));
      child.on(
        'message',
        (m: { ready?: { connectedMs: number; connectTimes: number[]; initialBytes: number } }) => {
          if (m.ready) resolve(m.ready);
        },
      );
    },
  );
  return { child, ready };
}

function ask<T>(child: ChildProcess, op: object, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>): void => {
      if (!(key in m)) return;
      child.off('message', on);
      resolve(m[key] as T);
    };
    child.on('message', on);
    child.send(op);
  });
}

/**
 * The functions (and the packages) with the most self time in a .cpuprofile, over the wall-clock
 * range [from, to] (the profile's end is the process's exit, at `exitedAt`), and how many
 * samples each second of that range holds (a process starved of CPU, or stuck, has few).
 */
function summarizeProfile(
  file: string,
  range: { from: number; to: number; exitedAt: number },
): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: {
      id: number;
      callFrame: { functionName: string; url: string; lineNumber: number };
    }[];
    samples: number[];
    timeDeltas: number[];
    startTime: number;
    endTime: number;
  };
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const perSecond = new Map<number, { busy: number; idle: number }>();
  const times: number[] = [];
  let t = 0;
  for (const delta of profile.timeDeltas) times.push((t += delta));
  const end = profile.endTime - profile.startTime;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const at = range.exitedAt - (end - times[i]) / 1000;
    if (at < range.from || at > range.to) return;
    total++;
    const { functionName, url, lineNumber } = frames.get(id)!;
    const second = Math.floor((at - range.from) / 1000);
    const tally = perSecond.get(second) ?? { busy: 0, idle: 0 };
    if (functionName === '(idle)') tally.idle++;
    else tally.busy++;
    perSecond.set(second, tally);
    const where = url
      .replace(/^.*node_modules\//, '')
      .replace(/^file:\/\/.*\/(apps|libs)\//, '$1/');
    const fn = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + 1);
    const pkg = /^(@[^/]+\/[^/]+|[^/]+)/.exec(where)?.[1] ?? (where || functionName);
    byFile.set(pkg, (byFile.get(pkg) ?? 0) + 1);
  });
  const top = (m: Map<string, number>, n: number): string =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`)
      .join('\n');
  const seconds = [...perSecond.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, v]) => `${s}:${v.busy}/${v.idle}`)
    .join(' ');
  return (
    `${total} samples; per second busy/idle: ${seconds}\n` +
    `self time by function:\n${top(byFunction, 20)}\nself time by package:\n${top(byFile, 12)}`
  );
}

/** A replica's `messages_out` counters by event (its /metrics). */
async function messagesOut(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/^flotilla_gateway_messages_out_total\{event="([^"]+)"\} (\d+)$/gm))
    counts.set(m[1], Number(m[2]));
  return counts;
}

/** Kills replica 1; its clients connect again to the survivors. Resolves when all are served. */
async function storm(
  replicas: ReplicaChild[],
  clientWorkers: ChildProcess[],
  log: (s: string) => void,
): Promise<void> {
  const [dead, ...alive] = replicas;
  const cpuBefore = alive.map((r) => cpuSeconds(r.pid));
  const rssBefore = alive.map((r) => statusMiB(r.pid, 'VmRSS'));
  const peak = [...rssBefore];
  const sampler = setInterval(() => {
    alive.forEach((r, i) => (peak[i] = Math.max(peak[i], statusMiB(r.pid, 'VmRSS'))));
  }, 50);
  const killedAt = Date.now();
  await dead.kill();
  for (const c of clientWorkers)
    c.send({ op: 'storm', dead: dead.url, alive: alive.map((r) => r.url) });
  let statuses: StormStatus[] = [];
  await waitFor(
    async () => {
      statuses = await Promise.all(
        clientWorkers.map((c) => ask<StormStatus>(c, { op: 'storm-status' }, 'stormStatus')),
      );
      return statuses.every((s) => s.waiting === 0);
    },
    {
      timeoutMs: 900_000,
      intervalMs: 200,
      message: 'every client of the killed replica served again',
    },
  );
  clearInterval(sampler);
  const servedAt = Math.max(...statuses.map((s) => s.lastServedAt));
  log(
    `storm: replica 1 killed; its clients all served by ${alive.length} survivor(s) ` +
      `${((servedAt - killedAt) / 1000).toFixed(1)} s after the kill ` +
      `(${statuses.reduce((n, s) => n + s.failed, 0)} failed to connect)`,
  );
  alive.forEach((r, i) =>
    log(
      `storm: replica ${i + 2}: RSS ${rssBefore[i].toFixed(0)} MiB before, peak ${peak[i].toFixed(0)} MiB, ` +
        `CPU ${(cpuSeconds(r.pid) - cpuBefore[i]).toFixed(1)} s for the storm`,
    ),
  );
}

async function main(): Promise<void> {
  const log = (s: string): void => void process.stdout.write(`${s}\n`);
  const redis = await startRedis({ args: ['--maxclients', '20000'] });
  const info = new Redis(redis.url);
  const bus = createRedisBus({ url: redis.url, name: 'bench' });
  const profileDir = PROFILE ? mkdtempSync(join(tmpdir(), 'flotilla-prof-')) : '';
  const replicas: ReplicaChild[] = [];
  const clientWorkers: ChildProcess[] = [];
  let sim: Awaited<ReturnType<typeof startFleetSim>> | undefined;
  /** The warm-up and the window, wall clock: what the profile summary covers. */
  const profiled = { from: 0, to: Date.now() + 3_600_000 };
  try {
    let t = Date.now();
    sim = await startFleetSim({
      redisUrl: redis.url,
      hosts: HOSTS,
      containersPerHost: CONTAINERS,
      workers: SIM_WORKERS,
    });
    const simIds = sim.hostIds;
    await waitFor(
      async () => {
        const counts = await Promise.all(simIds.map((id) => bus.snapshots.list(id)));
        return counts.every((c) => c.length === CONTAINERS);
      },
      { timeoutMs: 600_000, intervalMs: 1_000, message: 'every simulated host published' },
    );
    log(`fleet: ${HOSTS} hosts x ${CONTAINERS} containers up in ${Date.now() - t} ms`);
    for (let i = 0; i < REPLICAS; i++) {
      replicas.push(
        // The last replica CPU-profiled into profileDir when PROFILE=1 (the storm kills the first).
        await startReplicaChild(
          { REDIS_URL: redis.url, PORT: '0', LOG_LEVEL: 'warn', WEB_DIST: '/nonexistent' },
          PROFILE && i === REPLICAS - 1
            ? { execArgv: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] }
            : {},
        ),
      );
    }
    const urls = replicas.slice(0, CLIENTS_ON).map((r) => r.url);
    t = Date.now();
    const perWorker = Math.ceil(CLIENTS / CLIENT_WORKERS);
    const starts = [];
    for (let w = 0; w < CLIENT_WORKERS; w++) {
      const count = Math.min(perWorker, CLIENTS - w * perWorker);
      if (count <= 0) break;
      const { child, ready } = startClients(urls, count, w * perWorker, VIEW ? simIds : []);
      clientWorkers.push(child);
      starts.push(ready);
    }
    const ready = await Promise.all(starts);
    const connectTimes = ready.flatMap((r) => r.connectTimes).sort((a, b) => a - b);
    log(
      `clients: ${CLIENTS} connected (each with initial_state) in ${Date.now() - t} ms; ` +
        `connect→initial_state p50 ${connectTimes[Math.floor(connectTimes.length / 2)]} ms, ` +
        `p99 ${connectTimes[Math.floor(connectTimes.length * 0.99)]} ms; ` +
        `initial_state ${(ready[0].initialBytes / 2 ** 20).toFixed(2)} MiB of JSON per client`,
    );
    if (LOG_FOLLOWERS > 0) {
      const each = Math.ceil(LOG_FOLLOWERS / clientWorkers.length);
      for (const c of clientWorkers) c.send({ op: 'follow', count: each });
    }
    sim.setRate(EVENTS_PER_S);
    // Warm-up: let the first changes flow before measuring.
    await new Promise((r) => setTimeout(r, 5_000));
    for (const c of clientWorkers) c.send({ op: 'reset' });
    const simBefore = await sim.reports();
    const cpuBefore = replicas.map((r) => cpuSeconds(r.pid));
    const infoBefore = await redisInfo(info);
    const sentBefore = await Promise.all(replicas.map((r) => messagesOut(r.url)));
    const started = Date.now();
    profiled.from = started - 5_000;
    await Promise.all(replicas.map((r) => r.loopDelay().catch(() => undefined)));
    const stopSampling = sampleAnswerTimes(replicas);
    await new Promise((r) => setTimeout(r, SECONDS * 1_000));
    const wall = (Date.now() - started) / 1_000;
    profiled.to = Date.now();
    // Counted first, at the end of the window: a starved replica can take seconds to answer
    // the questions below, and the fleet and clients would go on counting meanwhile.
    const usage = replicas.map((r) => ({
      cpuS: cpuSeconds(r.pid),
      rss: statusMiB(r.pid, 'VmRSS') * 2 ** 20,
    }));
    const [simAfter, reports] = await Promise.all([
      sim.reports(),
      Promise.all(clientWorkers.map((c) => ask<ClientReport>(c, { op: 'report' }, 'report'))),
    ]);
    const infoAfter = await redisInfo(info);
    const sentAfter = await Promise.all(replicas.map((r) => messagesOut(r.url)));
    const agentShare = await agentLatencies(info, simIds, started, profiled.to);
    const lags = stopSampling();
    const delays = await Promise.all(replicas.map((r) => r.loopDelay().catch(() => undefined)));
    sim.setRate(0);

    const buckets = new Map<number, number>();
    let received = 0;
    for (const r of reports)
      for (const [ms, n] of r.buckets) {
        buckets.set(ms, (buckets.get(ms) ?? 0) + n);
        received += n;
      }
    const changes =
      simAfter.reduce((n, r) => n + r.changes, 0) - simBefore.reduce((n, r) => n + r.changes, 0);
    const commands =
      Number(infoAfter.total_commands_processed) - Number(infoBefore.total_commands_processed);
    log(
      `window: ${wall.toFixed(1)} s, ${changes} state changes made (${(changes / wall).toFixed(1)}/s)`,
    );
    // With views a change goes to the clients viewing its host: CLIENTS / HOSTS of them.
    const due = changes * (VIEW ? CLIENTS / HOSTS : CLIENTS);
    log(
      `deliveries: ${received} (${((received / Math.max(1, due)) * 100).toFixed(1)} % of changes × clients ${VIEW ? 'viewing the host' : ''}), ` +
        `latency p50 ${percentile(buckets, received, 0.5)} ms, p99 ${percentile(buckets, received, 0.99)} ms, ` +
        `max ${Math.max(...buckets.keys())} ms`,
    );
    const appended = [...agentShare.values()].reduce((a, b) => a + b, 0);
    log(
      `agent share (engine change → event appended): ${appended} events, p50 ${percentile(agentShare, appended, 0.5)} ms, ` +
        `p99 ${percentile(agentShare, appended, 0.99)} ms`,
    );
    log(
      `client errors ${reports.reduce((n, r) => n + r.totals.errors, 0)}, ` +
        `disconnects ${reports.reduce((n, r) => n + r.totals.disconnects, 0)}, ` +
        `connected at end ${reports.reduce((n, r) => n + r.connected, 0)}, ` +
        `first disconnect ${reports.map((r) => (r.firstDisconnectAt ? `${((r.firstDisconnectAt - started) / 1000).toFixed(1)} s` : '-')).join('/')} into the window, ` +
        `client workers' event-loop delay p99/max ${reports.map((r) => `${r.loopDelayP99Ms.toFixed(0)}/${r.loopDelayMaxMs.toFixed(0)}`).join(', ')} ms, ` +
        `disconnect reasons ${JSON.stringify(reports.map((r) => r.reasons))}, ` +
        `log lines received ${reports.reduce((n, r) => n + r.totals.logLines, 0)}, ` +
        `counts_update received ${reports.reduce((n, r) => n + r.totals.counts, 0)} ` +
        `(mean ${mean(reports.flatMap((r) => r.countsBytes)).toFixed(0)} bytes of JSON, sampled)`,
    );
    const sent = new Map<string, number>();
    sentAfter.forEach((after, i) => {
      for (const [event, n] of after)
        sent.set(event, (sent.get(event) ?? 0) + n - (sentBefore[i].get(event) ?? 0));
    });
    log(
      `messages sent by the replicas per second: ${[...sent]
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([event, n]) => `${event} ${(n / wall).toFixed(0)}`)
        .join(', ')}`,
    );
    usage.forEach((u, i) =>
      log(
        `replica ${i + 1}: CPU ${(((u.cpuS - cpuBefore[i]) / wall) * 100).toFixed(0)} % of a core, ` +
          `RSS ${(u.rss / 2 ** 20).toFixed(0)} MiB, slowest answer ${lags[i]} ms, ` +
          `event-loop delay p99/max ${delays[i] ? `${delays[i].p99Ms.toFixed(0)}/${delays[i].maxMs.toFixed(0)}` : '?'} ms`,
      ),
    );
    log(
      `redis: ${(commands / wall).toFixed(0)} commands/s over the window ` +
        `(instantaneous_ops_per_sec ${infoAfter.instantaneous_ops_per_sec}), ` +
        `used_memory ${infoAfter.used_memory_human}, clients ${infoAfter.connected_clients}`,
    );
    const cpuOf = (rs: { cpu: NodeJS.CpuUsage }[]): number =>
      rs.reduce((n, r) => n + r.cpu.user + r.cpu.system, 0) / 1e6;
    const share = (seconds: number): string => `${((seconds / wall) * 100).toFixed(0)} % of a core`;
    log(
      `simulator: ${simAfter.length} processes, RSS ${simAfter.map((r) => (r.rss / 2 ** 20).toFixed(0)).join('/')} MiB, ` +
        `CPU ${share(cpuOf(simAfter) - cpuOf(simBefore))} over the window; ` +
        `client workers RSS ${reports.map((r) => (r.rss / 2 ** 20).toFixed(0)).join('/')} MiB, CPU ${share(cpuOf(reports))}`,
    );
    if (STORM) await storm(replicas, clientWorkers, log);
  } finally {
    for (const c of clientWorkers) if (c.connected) c.send({ op: 'stop' });
    await Promise.allSettled(replicas.map((r) => r.close()));
    const exitedAt = Date.now();
    if (PROFILE) {
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (file)
        log(
          `CPU profile of replica ${REPLICAS}:\n${summarizeProfile(join(profileDir, file), { ...profiled, exitedAt })}`,
        );
      rmSync(profileDir, { recursive: true, force: true });
    }
    await sim?.stop();
    info.disconnect();
    await bus.close();
    await redis.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`fanout failed: ${String(error)}\n`);
  process.exit(1);
});
