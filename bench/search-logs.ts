/**
 * Fleet-wide log search against `docker logs | grep` on the same logs, in one run.
 *
 * Two Docker engines (the default one and a private second dockerd), an agent on each (the
 * built bundle, a child process, as `npm run start:agent` runs it), one gateway replica (child
 * process) and a private redis-server. CONTAINERS busybox containers, half on each engine, write
 * MB megabytes of log text in all (awk, as fast as it can; an access-log-like mix on stdout,
 * warnings and errors on stderr) and exit. Then, ROUNDS times, the same pattern:
 *   (a) `GET /api/search?q=…&label=…&limit=10000` through the gateway, the answer read to its
 *       summary line;
 *   (b) `docker logs <c> 2>&1 | grep -cE '…'` for every container, all at once, on its engine;
 * with the wall time, MB/s of log text, the match counts (which must agree, per host) and the
 * agents' RSS: sampled every 50 ms during the run, and VmHWM (the process's peak) after it.
 * Last, a pattern that matches nearly every line, to show the agents' memory stays bounded.
 *
 * Run: npm run build:agent && node -r ./apps/gateway/test/support/ts-hook.js bench/search-logs.ts \
 *        [MB=1024] [CONTAINERS=10] [ROUNDS=2]
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { createRedisBus } from '@flotilla/bus';
import { SEARCH_LIMITS, type SearchSummary } from '@flotilla/contracts';
import {
  demuxDockerLog,
  dockerEngine,
  shellQuote,
  startRedis,
  startSecondDockerd,
  testContainers,
  waitFor,
  waitForContainerExit,
  type TestContainers,
} from '@flotilla/testing';
import { startReplicaChild } from '../apps/gateway/test/support/replica-child';
import { cpuSeconds, setting, statusMiB, stopChild } from './gateway-bench-kit';

const ROOT = join(__dirname, '..');
const MB = Number(setting('MB', '1024'));
const CONTAINERS = Number(setting('CONTAINERS', '10'));
const ROUNDS = Number(setting('ROUNDS', '2'));
const AGENT = resolve(ROOT, 'dist/apps/docker-agent/main.js');
/** Mean length of a generated line, newline included (measured: 145 B). */
const LINE_BYTES = 145;
/** One line in 1,000 (an upstream timeout of the payments service); near misses around it. */
const SELECTIVE = 'ERROR upstream=payments .*i/o timeout';
/** Every generated line but the last holds a `=`. */
const NEARLY_ALL = '=';

/**
 * The generator (busybox awk): line i of container k. Of every 1,000 lines, 1 is the payments
 * timeout SELECTIVE matches, 9 are errors that nearly match it (the same upstream with another
 * error, another upstream with the same error), 20 slow-request warnings (those 30 on stderr),
 * 70 SQL debug lines and 900 access-log lines. The last line counts what was written.
 */
const GENERATOR = String.raw`BEGIN {
  split("GET GET GET POST PUT DELETE", method, " ")
  split("orders customers invoices carts sessions products", res, " ")
  split("200 200 200 200 201 204 304 404", status, " ")
  bytes = 0
  for (i = 1; i <= n; i++) {
    h = (i * 7919 + k * 104729) % 100003
    c = i % 1000
    if (c == 0)
      line = sprintf("ERROR upstream=payments op=charge order=%d err=\"dial tcp 10.0.%d.%d:8443: i/o timeout\" attempt=%d request_id=%06x%06x", h, h % 256, i % 256, i % 3 + 1, h, i % 16777216)
    else if (c < 5)
      line = sprintf("ERROR upstream=payments op=refund order=%d err=\"status 503 Service Unavailable\" attempt=%d request_id=%06x%06x", h, i % 3 + 1, h, i % 16777216)
    else if (c < 10)
      line = sprintf("ERROR upstream=billing op=invoice order=%d err=\"dial tcp 10.0.%d.%d:8443: i/o timeout\" attempt=%d request_id=%06x%06x", h, h % 256, i % 256, i % 3 + 1, h, i % 16777216)
    else if (c < 30)
      line = sprintf("WARN  slow request method=%s path=/api/v1/%s/%d duration_ms=%d threshold_ms=1000 request_id=%06x%06x", method[h % 6 + 1], res[i % 6 + 1], h, 1000 + h % 4000, h, i % 16777216)
    else if (c < 100)
      line = sprintf("DEBUG db query=\"SELECT id, status, total FROM %s WHERE customer_id = $1\" rows=%d duration_ms=%d", res[i % 6 + 1], h % 50, h % 40)
    else
      line = sprintf("INFO  http method=%s path=/api/v1/%s/%d status=%s duration_ms=%d bytes=%d request_id=%06x%06x ua=\"Mozilla/5.0 (X11; Linux x86_64)\"", method[h % 6 + 1], res[i % 6 + 1], h, status[h % 8 + 1], h % 900 + 3, h * 7 % 20000, h, i % 16777216)
    if (c < 30) print line > "/dev/stderr"
    else print line
    bytes += length(line) + 1
  }
  print "generated " n " lines " bytes " bytes"
}`;

const run = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number): string => (ms / 1000).toFixed(1);

interface Engine {
  name: string;
  hostId: string;
  /** `docker -H …` for the CLI; empty for the default engine. */
  cli: string[];
  socket: string | undefined;
  containers: TestContainers;
  agent?: ChildProcess;
  ids: string[];
}

function startAgentFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return (/^node (.*?)\s*\S+$/.exec(pkg.scripts['start:agent'])?.[1] ?? '')
    .split(/\s+/)
    .filter(Boolean);
}

function startAgent(redisUrl: string, engine: Engine): ChildProcess {
  return spawn(process.execPath, [...startAgentFlags(), AGENT], {
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL: redisUrl,
      HOST_ID: engine.hostId,
      LOG_LEVEL: 'warn',
      ...(engine.socket ? { DOCKER_HOST: `unix://${engine.socket}` } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * The generator's last line: how many lines and bytes the container wrote. awk flushes stderr
 * after stdout at its exit, and Docker's `tail` counts both streams: the line is among the last.
 */
async function written(container: Docker.Container): Promise<{ lines: number; bytes: number }> {
  const buffer = await container.logs({ stdout: true, stderr: true, tail: 2000, follow: false });
  const last = /generated (\d+) lines (\d+) bytes/.exec(demuxDockerLog(buffer).stdout);
  if (!last) throw new Error(`container ${container.id} did not finish its log`);
  return { lines: Number(last[1]), bytes: Number(last[2]) };
}

/** Samples the agents' VmRSS every 50 ms until stopped; returns the largest seen per agent. */
function sampleRss(engines: Engine[]): () => number[] {
  const peaks = engines.map(() => 0);
  const timer = setInterval(() => {
    engines.forEach((e, i) => (peaks[i] = Math.max(peaks[i], statusMiB(e.agent!.pid!, 'VmRSS'))));
  }, 50);
  return () => {
    clearInterval(timer);
    return peaks;
  };
}

const hwm = (engines: Engine[]): string =>
  engines.map((e) => `${e.name} ${statusMiB(e.agent!.pid!, 'VmHWM').toFixed(1)}`).join(', ');

/** `docker logs <c> 2>&1 | grep -cE <pattern>` for every container at once. */
async function grepAll(
  engines: Engine[],
  pattern: string,
): Promise<{ ms: number; perHost: number[] }> {
  const t0 = performance.now();
  const perHost = await Promise.all(
    engines.map(async (e) => {
      const counts = await Promise.all(
        e.ids.map(async (id) => {
          const docker = ['docker', ...e.cli].map(shellQuote).join(' ');
          // grep -c exits 1 when it counts nothing: the count is still its output.
          const { stdout } = await run(
            'sh',
            ['-c', `${docker} logs ${id} 2>&1 | grep -cE ${shellQuote(pattern)}; true`],
            { maxBuffer: 1024 * 1024 },
          );
          return Number(stdout.trim());
        }),
      );
      return counts.reduce((a, b) => a + b, 0);
    }),
  );
  return { ms: performance.now() - t0, perHost };
}

/** `GET /api/search`, read to its summary line; matches counted per host. */
async function searchApi(
  url: string,
  engines: Engine[],
  pattern: string,
  label: string,
): Promise<{
  ms: number;
  perHost: number[];
  summary: SearchSummary;
  rssPeak: number[];
  cpu: number[];
}> {
  const query = new URLSearchParams({ q: pattern, label, limit: String(SEARCH_LIMITS.maxLimit) });
  const stopSampling = sampleRss(engines);
  const cpu0 = engines.map((e) => cpuSeconds(e.agent!.pid!));
  const t0 = performance.now();
  const res = await fetch(`${url}/api/search?${query.toString()}`);
  if (res.status !== 200) throw new Error(`search answered ${res.status}: ${await res.text()}`);
  const perHost = engines.map(() => 0);
  let rest = '';
  let summary: SearchSummary | undefined;
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const value = JSON.parse(line) as { host_id?: string } & Partial<SearchSummary>;
      if (value.done) summary = value as SearchSummary;
      else perHost[engines.findIndex((e) => e.hostId === value.host_id)]++;
    }
  }
  const ms = performance.now() - t0;
  const rssPeak = stopSampling();
  const cpu = engines.map((e, i) => cpuSeconds(e.agent!.pid!) - cpu0[i]);
  if (!summary) throw new Error('the search answer has no summary line');
  return { ms, perHost, summary, rssPeak, cpu };
}

async function main(): Promise<void> {
  if (!existsSync(AGENT)) throw new Error(`${AGENT} is missing: run npm run build:agent first`);
  const redis = await startRedis();
  const bus = createRedisBus({ url: redis.url, name: 'bench-search' });
  const second = await startSecondDockerd();
  const runId = `bench-search-${process.pid}`;
  const label = `flotilla.bench.search=${runId}`;
  const engines: Engine[] = [
    {
      name: 'A',
      hostId: `${runId}-a`,
      cli: [],
      socket: undefined,
      containers: testContainers(dockerEngine()),
      ids: [],
    },
    {
      name: 'B',
      hostId: `${runId}-b`,
      cli: ['-H', `unix://${second.socketPath}`],
      socket: second.socketPath,
      containers: testContainers(second.docker),
      ids: [],
    },
  ];
  // Whatever happens to this process, the agents do not outlive it.
  process.on('exit', () => engines.forEach((e) => e.agent?.kill('SIGKILL')));
  const gateway = await startReplicaChild({
    REDIS_URL: redis.url,
    PORT: '0',
    LOG_LEVEL: 'warn',
    WEB_DIST: '/nonexistent',
  });
  try {
    for (const e of engines) e.agent = startAgent(redis.url, e);
    await Promise.all(
      engines.map((e) =>
        waitFor(async () => (await bus.hosts.get(e.hostId))?.online === true, {
          timeoutMs: 60_000,
          message: `agent ${e.name} online`,
        }),
      ),
    );
    const idle = engines.map((e) => statusMiB(e.agent!.pid!, 'VmRSS').toFixed(1));

    // The logs: every container writes its share, then exits (a stopped container's log stays).
    const perContainer = Math.round((MB * 1e6) / CONTAINERS / LINE_BYTES);
    const t0 = performance.now();
    const created = await Promise.all(
      Array.from({ length: CONTAINERS }, (_, k) => {
        const e = engines[k % engines.length];
        return e.containers.create(`awk -v n=${perContainer} -v k=${k} "$GEN"`, {
          name: `${runId}-${k}`,
          labels: { 'flotilla.bench.search': runId },
          env: { GEN: GENERATOR },
        });
      }),
    );
    created.forEach((c, k) => engines[k % engines.length].ids.push(c.id));
    const codes = await Promise.all(created.map((c) => waitForContainerExit(c, 30 * 60_000)));
    if (codes.some((code) => code !== 0)) throw new Error(`generators exited with ${codes.join()}`);
    const generatedMs = performance.now() - t0;
    const sizes = await Promise.all(created.map(written));
    const lines = sizes.reduce((a, s) => a + s.lines, 0);
    const bytes = sizes.reduce((a, s) => a + s.bytes, 0);
    await Promise.all(
      engines.flatMap((e) =>
        e.ids.map((id) =>
          waitFor(async () => (await bus.snapshots.get(e.hostId, id)) !== null, {
            timeoutMs: 60_000,
            message: `${id} in ${e.hostId}'s snapshot`,
          }),
        ),
      ),
    );
    const mbps = (ms: number): string => (bytes / 1e6 / (ms / 1000)).toFixed(1);
    console.log(
      `# Search benchmark: ${CONTAINERS} containers on 2 engines, ${lines} lines, ` +
        `${(bytes / 1e6).toFixed(0)} MB of log text, written in ${seconds(generatedMs)} s`,
    );
    console.log(
      `load average at start: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')}`,
    );
    console.log(`agents idle RSS (MiB): A ${idle[0]}, B ${idle[1]}`);

    const report = async (pattern: string, order: number, checkCounts: boolean) => {
      const steps: (() => Promise<void>)[] = [];
      let grep: Awaited<ReturnType<typeof grepAll>> | undefined;
      let api: Awaited<ReturnType<typeof searchApi>> | undefined;
      steps.push(async () => void (grep = await grepAll(engines, pattern)));
      steps.push(async () => void (api = await searchApi(gateway.url, engines, pattern, label)));
      if (order % 2 === 1) steps.reverse();
      for (const step of steps) {
        await step();
        await sleep(1_000);
      }
      const g = grep!;
      const a = api!;
      const agree = a.perHost.every((n, i) => n === g.perHost[i]);
      console.log(
        `pattern ${JSON.stringify(pattern)}, ${order % 2 === 1 ? 'search first' : 'grep first'}:\n` +
          `  search  ${seconds(a.ms)} s, ${checkCounts ? `${mbps(a.ms)} MB/s` : 'stopped at the limit'}, matches ${a.summary.matches} ` +
          `(A ${a.perHost[0]}, B ${a.perHost[1]}), truncated ${a.summary.truncated}, ` +
          `containers ${a.summary.containers_scanned}, bytes scanned ${a.summary.bytes_scanned}` +
          `${a.summary.hosts_failed ? `, FAILED ${JSON.stringify(a.summary.hosts_failed)}` : ''}\n` +
          `  grep    ${seconds(g.ms)} s, ${mbps(g.ms)} MB/s, matches ${g.perHost[0] + g.perHost[1]} ` +
          `(A ${g.perHost[0]}, B ${g.perHost[1]})\n` +
          `  ratio   search / grep time ${(a.ms / g.ms).toFixed(2)}; ` +
          `matches ${checkCounts ? (agree ? 'agree' : 'DISAGREE') : 'capped by the limit'}\n` +
          `  agents  RSS peak during the search (MiB): A ${a.rssPeak[0].toFixed(1)}, ` +
          `B ${a.rssPeak[1].toFixed(1)}; VmHWM so far: ${hwm(engines)}; ` +
          `CPU during the search: A ${a.cpu[0].toFixed(1)} s, B ${a.cpu[1].toFixed(1)} s`,
      );
      if (checkCounts && !agree) process.exitCode = 1;
    };
    for (let round = 0; round < ROUNDS; round++) await report(SELECTIVE, round, true);
    await report(NEARLY_ALL, 0, false);
    console.log(
      `load average at end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')}`,
    );
  } finally {
    await Promise.allSettled(
      engines.map((e) => (e.agent ? stopChild(e.agent) : Promise.resolve())),
    );
    await gateway.close();
    await Promise.allSettled(engines.map((e) => e.containers.removeAll()));
    await second.close();
    await bus.close();
    await redis.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
