/**
 * The fleet page at fleet scale, in Chromium: 200 hosts × 100 containers (compose stacks of ten,
 * ten stacks per host) written straight into a private Redis the way agents write them, one real
 * gateway serving the built web app, no Docker and no agents. Three things are measured per run,
 * each in a fresh browser context:
 *
 * - first render: navigation start → the first container rows painted, with the steps between
 *   (document, `connection_established`, `initial_state` received and its size);
 * - typing in the search box, one key at a time: keydown → the list painted with the new count
 *   (for keys that change it), and the Event Timing duration of the key (keydown → next paint,
 *   what INP reads);
 * - a burst of 500 container state changes in one second (50 every 100 ms, appended to the
 *   hosts' event streams and snapshots as an agent does): long tasks, frame gaps, and how long
 *   after the last change the page shows them all.
 *
 * Each build runs twice side by side: as built (the page's view: over the line, hosts with counts
 * and no containers until a host is opened) and in the seed form (the harness drops the view from
 * the Socket.IO handshake, so the gateway sends every container as to a client that knows nothing
 * of views). The first screen is the first host or container rows painted; typing filters what is
 * loaded (nothing, over the line: the shown count stays 0 and the hosts say what may match); the
 * burst's end is the exited count in the summary reaching its new value (over the line, through
 * `counts_update`, sent once a second).
 *
 * Long tasks come from a `PerformanceObserver({ type: 'longtask' })` installed before the app
 * loads. Prints every run, then best / median / worst; asserts nothing beyond "the page showed
 * what was written".
 *
 *   node -r ./apps/gateway/test/support/ts-hook.js e2e/perf/fleet-page.perf.ts [--runs=3]
 *     [--hosts=200] [--per-host=100] [--hard-cap-mib=N] [--web=label=dir …] [--profile=dir]
 *     [--trace=dir]
 *
 * `--web` (repeatable) measures other builds of the web app side by side with this one, runs
 * interleaved, one gateway per build on the same Redis; without it the current build is used
 * (rebuilt when stale). `--hard-cap-mib` raises the gateway's per-socket queue cap
 * (`socketHardCapBytes`) for clients whose `initial_state` is larger than it. `--profile` writes a
 * Chromium CPU profile of each phase of the first run per build and prints the functions with the
 * most self time (through the build's source maps when it has them); `--trace` writes a Chromium
 * trace of each phase instead and prints the page's main-thread events by self time (style,
 * layout, paint, script: what a CPU profile shows only as "(program)").
 *
 * Not part of `npm test` (setup takes about a minute, a run about 20 s).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { createRedisBus, type Bus } from '@flotilla/bus';
import type { Container, ContainerState } from '@flotilla/contracts';
import { seededRandom, startRedis, waitFor, type RedisHandle } from '@flotilla/testing';
import {
  announceHost,
  changed,
  makeContainer,
  publishChange,
} from '../../apps/gateway/test/support/fleet-fixtures';
import { loadGatewayConfig } from '../../apps/gateway/src/config/gateway.config';
import { startGateway, type RunningGateway } from '../../apps/gateway/src/gateway-app';
import { matchesSearch, parseSearch } from '../../apps/web/src/app/fleet/fleet-query';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/stack';
import { ensureWebBuild, snapshotWebBuild } from '../support/web-build';

// ---------------------------------------------------------------------------------------------
// Options

const arg = (name: string): string[] =>
  process.argv.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
const numberArg = (name: string, fallback: number): number => {
  const [value] = arg(name);
  return value === undefined ? fallback : Number(value);
};

const RUNS = numberArg('runs', 3);
const HOSTS = numberArg('hosts', 200);
const PER_HOST = numberArg('per-host', 100);
const HARD_CAP_MIB = numberArg('hard-cap-mib', 0);
const PROFILE_DIR = arg('profile')[0];
const TRACE_DIR = arg('trace')[0];
const BURST = 500;
const BURST_BATCHES = 10;
const BURST_SPACING_MS = 100;
/** What the user types, one key at a time, then erases. */
const TYPED = 'payments-prod-api';
/** Time between two keys once the previous one has settled (a quick typist). */
const KEY_GAP_MS = 120;

// ---------------------------------------------------------------------------------------------
// The fleet

const APPS = [
  'payments',
  'billing',
  'checkout',
  'catalog',
  'search',
  'inventory',
  'orders',
  'shipping',
  'accounts',
  'auth',
  'notify',
  'mailer',
  'media',
  'reports',
  'analytics',
  'ledger',
  'pricing',
  'reviews',
  'support',
  'cms',
];
const SERVICES: { name: string; image: (app: string) => string; port?: number }[] = [
  { name: 'web', image: () => 'nginx:1.27-alpine', port: 80 },
  { name: 'api', image: (app) => `registry.example.com/${app}/api:3.14.2`, port: 8080 },
  { name: 'worker', image: (app) => `registry.example.com/${app}/worker:3.14.2` },
  { name: 'scheduler', image: (app) => `registry.example.com/${app}/worker:3.14.2` },
  { name: 'db', image: () => 'postgres:16.4-alpine', port: 5432 },
  { name: 'cache', image: () => 'redis:7.4-alpine', port: 6379 },
  { name: 'queue', image: () => 'rabbitmq:3.13-management-alpine', port: 5672 },
  { name: 'migrate', image: (app) => `registry.example.com/${app}/api:3.14.2` },
  { name: 'exporter', image: () => 'prom/postgres-exporter:v0.15.0', port: 9187 },
  { name: 'proxy', image: () => 'envoyproxy/envoy:v1.31-latest', port: 10000 },
];

const hex = (n: number): string => randomBytes(n / 2).toString('hex');

function hostIds(): string[] {
  const regions = ['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south'];
  return Array.from(
    { length: HOSTS },
    (_, i) => `${regions[i % regions.length]}-node-${String(i + 1).padStart(3, '0')}`,
  );
}

/** A host's containers: ten compose stacks of (up to) ten services, mostly running. */
function hostContainers(hostId: string, index: number): Container[] {
  const random = seededRandom(index + 1);
  const apps = [...APPS].sort(() => random() - 0.5).slice(0, Math.ceil(PER_HOST / 10));
  const containers: Container[] = [];
  for (const [a, app] of apps.entries()) {
    const project = `${app}-${['prod', 'staging'][a % 2]}`;
    const configHash = hex(64);
    for (const [s, service] of SERVICES.entries()) {
      if (containers.length >= PER_HOST) break;
      const name = `${project}-${service.name}-1`;
      const roll = random();
      const state: ContainerState =
        service.name === 'migrate' || roll < 0.06
          ? 'exited'
          : roll < 0.07
            ? 'restarting'
            : roll < 0.075
              ? 'paused'
              : 'running';
      const exitCode = state === 'exited' ? (service.name === 'migrate' ? 0 : 137) : null;
      containers.push(
        makeContainer(hostId, {
          name,
          image: service.image(app),
          state,
          status:
            state === 'running'
              ? `Up ${1 + ((index + s) % 20)} days`
              : state === 'exited'
                ? `Exited (${exitCode}) 3 days ago`
                : state === 'paused'
                  ? 'Up 2 days (Paused)'
                  : 'Restarting (1) 5 seconds ago',
          created: '2026-11-10T08:00:00.000Z',
          started_at: '2026-11-10T08:00:05.000Z',
          finished_at: state === 'exited' ? '2026-11-27T09:12:00.000Z' : null,
          exit_code: exitCode,
          health: service.port && state === 'running' ? 'healthy' : 'none',
          ports: service.port
            ? [{ private_port: service.port, public_port: null, type: 'tcp', ip: null }]
            : [],
          labels: {
            'com.docker.compose.config-hash': configHash,
            'com.docker.compose.container-number': '1',
            'com.docker.compose.depends_on': s === 0 ? `api:service_started:false` : '',
            'com.docker.compose.image': `sha256:${hex(64)}`,
            'com.docker.compose.oneoff': 'False',
            'com.docker.compose.project': project,
            'com.docker.compose.project.config_files': `/srv/${project}/compose.yaml`,
            'com.docker.compose.project.working_dir': `/srv/${project}`,
            'com.docker.compose.service': service.name,
            'com.docker.compose.version': '2.29.7',
          },
        }),
      );
    }
  }
  return containers;
}

const keyOf = (c: Container): string => `${c.host_id}/${c.container_id}`;

// ---------------------------------------------------------------------------------------------
// In the page (installed before the app's own scripts; plain browser code)

interface KeyMark {
  key: string;
  /** keydown's timeStamp. */
  start: number;
  /** The shown count this key should lead to (null: no filter, the count is not shown). */
  expect: number | null;
  /** Post-paint of the first frame after keydown. */
  paint: number | null;
  /** When the shown count first read `expect`, and the paint after that. */
  listAt: number | null;
  listPainted: number | null;
}

interface PagePerf {
  longTasks: { start: number; duration: number }[];
  events: { name: string; start: number; duration: number }[];
  frames: number[];
  ws: { at: number; event: string; bytes: number }[];
  stateChanges: number;
  lastStateChangeAt: number;
  firstRows: { at: number; painted: number | null; rows: number } | null;
  keys: KeyMark[];
  expect: number | null;
  burstExpect: number;
  burstShownAt: number | null;
}

function instrument(seedForm: boolean): void {
  const perf: PagePerf = {
    longTasks: [],
    events: [],
    frames: [],
    ws: [],
    stateChanges: 0,
    lastStateChangeAt: 0,
    firstRows: null,
    keys: [],
    expect: null,
    burstExpect: -1,
    burstShownAt: null,
  };
  (window as unknown as { __perf: PagePerf }).__perf = perf;
  /** After the next frame has been painted. */
  const afterPaint = (f: () => void): void => {
    requestAnimationFrame(() => setTimeout(f, 0));
  };
  const number = (selector: string): number | null => {
    const text = document.querySelector(selector)?.textContent;
    if (text === undefined || text === null) return null;
    const match = /([\d,]+)/.exec(text);
    return match ? Number(match[1].replace(/,/g, '')) : null;
  };

  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      perf.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      perf.events.push({ name: e.name, start: e.startTime, duration: e.duration });
  }).observe({ type: 'event', buffered: true, durationThreshold: 16 } as PerformanceObserverInit);

  // Socket.IO packets as they arrive, before the app handles them.
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    // The seed form: the Socket.IO CONNECT packet without the handshake's view.
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      super.send(seedForm && typeof data === 'string' && data.startsWith('40{') ? '40' : data);
    }

    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (e: MessageEvent) => {
        if (typeof e.data !== 'string') return;
        const event = /^42\["([a-z_]+)"/.exec(e.data.slice(0, 40))?.[1] ?? e.data.slice(0, 2);
        if (event === 'container_state_change') {
          perf.stateChanges++;
          perf.lastStateChangeAt = performance.now();
        } else if (event !== '2' && event !== '3') {
          perf.ws.push({ at: performance.now(), event, bytes: e.data.length });
        }
      });
    }
  };

  const frame = (t: number): void => {
    perf.frames.push(t);
    if (perf.firstRows === null) {
      const rows = document.querySelectorAll(
        '[data-testid="container-row"], [data-testid="fleet-host"]',
      ).length;
      if (rows > 0) {
        const mark = { at: t, painted: null as number | null, rows };
        perf.firstRows = mark;
        setTimeout(() => (mark.painted = performance.now()), 0);
      }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);

  let current: KeyMark | null = null;
  document.addEventListener(
    'keydown',
    (e) => {
      if ((e.target as HTMLElement | null)?.dataset?.['testid'] !== 'fleet-search') return;
      const mark: KeyMark = {
        key: e.key,
        start: e.timeStamp,
        expect: perf.expect,
        paint: null,
        listAt: null,
        listPainted: null,
      };
      perf.keys.push(mark);
      current = mark;
      afterPaint(() => (mark.paint = performance.now()));
    },
    true,
  );
  new MutationObserver(() => {
    const mark = current;
    if (mark && mark.listAt === null && number('[data-testid="fleet-shown"]') === mark.expect) {
      mark.listAt = performance.now();
      afterPaint(() => (mark.listPainted = performance.now()));
    }
    if (
      perf.burstShownAt === null &&
      number('[data-testid="fleet-state-count"][data-state="exited"]') === perf.burstExpect
    )
      perf.burstShownAt = performance.timeOrigin + performance.now();
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
}

const readPerf = (page: Page): Promise<PagePerf> =>
  page.evaluate(() => (window as unknown as { __perf: PagePerf }).__perf);

// ---------------------------------------------------------------------------------------------
// Profiles

class Profiler {
  private readonly maps = new Map<string, SourceMap | null>();

  constructor(
    private readonly webDir: string,
    private readonly dir: string,
  ) {}

  static async start(page: Page): Promise<CDPSession> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    return cdp;
  }

  /** Stops the profile, writes it, and returns its top functions by self time. */
  async stop(cdp: CDPSession, name: string): Promise<string[]> {
    const { profile } = await cdp.send('Profiler.stop');
    await cdp.detach();
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, `${name}.cpuprofile`), JSON.stringify(profile));
    const self = new Map<number, number>();
    const deltas = profile.timeDeltas ?? [];
    (profile.samples ?? []).forEach((id, i) =>
      self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0)),
    );
    const byName = new Map<string, number>();
    let total = 0;
    for (const node of profile.nodes) {
      const us = self.get(node.id) ?? 0;
      total += us;
      const name = this.describe(node.callFrame);
      byName.set(name, (byName.get(name) ?? 0) + us);
    }
    return [...byName.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(
        ([what, us]) =>
          `${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${what}`,
      );
  }

  private describe(frame: {
    functionName: string;
    url: string;
    lineNumber: number;
    columnNumber: number;
  }): string {
    const fn = frame.functionName || '(anonymous)';
    if (!frame.url) return fn;
    const file = basename(new URL(frame.url, 'http://x').pathname);
    const original = this.map(file)?.find(frame.lineNumber, frame.columnNumber);
    if (original) return `${original.name ?? fn} ${original.source}:${original.line}`;
    return `${fn} ${file}:${frame.lineNumber + 1}:${frame.columnNumber}`;
  }

  private map(file: string): SourceMap | null {
    if (!this.maps.has(file)) {
      const path = join(this.webDir, `${file}.map`);
      this.maps.set(file, existsSync(path) ? new SourceMap(readFileSync(path, 'utf8')) : null);
    }
    return this.maps.get(file) ?? null;
  }
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Enough of a source map (version 3) to name a profile's positions: their source and name. */
class SourceMap {
  private readonly sources: string[];
  private readonly names: string[];
  /** Per generated line: segments [column, source, line, column, name?], by column. */
  private readonly lines: number[][][] = [];

  constructor(text: string) {
    const map = JSON.parse(text) as { sources: string[]; names: string[]; mappings: string };
    this.sources = map.sources.map((s) => s.replace(/^.*node_modules\//, ''));
    this.names = map.names;
    const state = [0, 0, 0, 0, 0];
    for (const line of map.mappings.split(';')) {
      state[0] = 0;
      const segments: number[][] = [];
      for (const segment of line.split(',')) {
        if (!segment) continue;
        const values: number[] = [];
        let value = 0;
        let shift = 0;
        for (const char of segment) {
          const digit = BASE64.indexOf(char);
          value += (digit & 31) << shift;
          if (digit & 32) shift += 5;
          else {
            values.push(value & 1 ? -(value >>> 1) : value >>> 1);
            value = 0;
            shift = 0;
          }
        }
        values.forEach((v, i) => (state[i] += v));
        segments.push(state.slice(0, values.length));
      }
      this.lines.push(segments);
    }
  }

  /** The original position of a 0-based generated line and column. */
  find(line: number, column: number): { source: string; line: number; name?: string } | null {
    let found: number[] | undefined;
    for (const segment of this.lines[line] ?? []) {
      if (segment[0] > column) break;
      found = segment;
    }
    if (!found || found.length < 4) return null;
    return {
      source: this.sources[found[1]] ?? '?',
      line: found[2] + 1,
      name: found.length > 4 ? this.names[found[4]] : undefined,
    };
  }
}

/** Chromium trace categories enough to name the main thread's native work (style, paint, …). */
const TRACE_CATEGORIES = [
  'toplevel',
  'blink',
  'cc',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
];

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

/** Writes a trace and returns the renderer main thread's events with the most self time. */
function summarizeTrace(buffer: Buffer, dir: string, name: string): string[] {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), buffer);
  const parsed = JSON.parse(buffer.toString('utf8')) as
    { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const main = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const thread = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || e.dur === undefined || !main.has(thread)) continue;
    const list = byThread.get(thread) ?? [];
    list.push(e);
    byThread.set(thread, list);
  }
  const self = new Map<string, number>();
  let total = 0;
  for (const list of byThread.values()) {
    list.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    const open: { end: number; name: string; children: number; dur: number }[] = [];
    const close = (until: number): void => {
      while (open.length > 0 && open[open.length - 1].end <= until) {
        const done = open.pop();
        if (!done) break;
        self.set(done.name, (self.get(done.name) ?? 0) + done.dur - done.children);
        if (open.length > 0) open[open.length - 1].children += done.dur;
        else total += done.dur;
      }
    };
    for (const e of list) {
      close(e.ts);
      open.push({ end: e.ts + (e.dur ?? 0), name: e.name, children: 0, dur: e.dur ?? 0 });
    }
    close(Infinity);
  }
  return [
    `main thread busy ${(total / 1000).toFixed(0)} ms; by self time:`,
    ...[...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([what, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms  ${what}`),
  ];
}

// ---------------------------------------------------------------------------------------------
// Main-thread CPU

/** CPU time of the page's main thread, in ms: what a busy machine does not inflate. */
interface CpuUse {
  threadMs: number;
  scriptMs: number;
  styleMs: number;
  layoutMs: number;
}

type CpuReading = CpuUse & { heap: number };

/** Chromium's `Performance` metrics in thread time (`threadTicks`). */
class CpuMeter {
  private constructor(private readonly cdp: CDPSession) {}

  static async start(page: Page): Promise<CpuMeter> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    return new CpuMeter(cdp);
  }

  async read(): Promise<CpuReading> {
    const { metrics } = await this.cdp.send('Performance.getMetrics');
    const value = (name: string): number => metrics.find((m) => m.name === name)?.value ?? NaN;
    return {
      threadMs: value('ThreadTime') * 1000,
      scriptMs: value('ScriptDuration') * 1000,
      styleMs: value('RecalcStyleDuration') * 1000,
      layoutMs: value('LayoutDuration') * 1000,
      heap: value('JSHeapUsedSize'),
    };
  }

  static since(from: CpuReading, to: CpuReading): CpuUse {
    return {
      threadMs: to.threadMs - from.threadMs,
      scriptMs: to.scriptMs - from.scriptMs,
      styleMs: to.styleMs - from.styleMs,
      layoutMs: to.layoutMs - from.layoutMs,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// One run

interface KeyResult {
  key: string;
  search: string;
  shown: number | null;
  /** keydown → list painted with the new count; null when the key did not change the count. */
  listMs: number | null;
  /** Longest Event Timing duration of the key's events (keydown → next paint); 0 when < 16 ms. */
  eventMs: number;
  /** Main-thread CPU from the key to the next one. */
  cpuMs: number;
}

interface RunResult {
  build: string;
  load: {
    documentMs: number;
    connectedMs: number;
    initialStateMs: number;
    initialStateBytes: number;
    firstRowsMs: number;
    rows: number;
    longTasks: number;
    longestTaskMs: number;
    cpu: CpuUse;
  };
  keys: KeyResult[];
  typingLongestTaskMs: number;
  /** Main-thread CPU per second while nothing happens (subtract per key: about 0.3 s each). */
  idleCpuPerSecondMs: number;
  burst: {
    spreadMs: number;
    received: number;
    shownAfterLastMs: number;
    longTasks: number;
    longestTaskMs: number;
    longTasksOver100: number;
    frameP95Ms: number;
    frameMaxMs: number;
    cpu: CpuUse;
  };
  heapMb: number;
  profiles: Record<string, string[]>;
}

interface Build {
  label: string;
  dir: string;
  /** The handshake's view dropped: the whole fleet in `initial_state`, as before views. */
  seedForm: boolean;
  gateway: RunningGateway;
  profiler: Profiler | null;
}

interface Fleet {
  bus: Bus;
  containers: Map<string, Container>;
}

const quantile = (values: number[], q: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

/**
 * The shown count for a search, as the page computes it (null: nothing typed, none shown); over
 * the line no host is open, so nothing loaded matches.
 */
function expectedShown(fleet: Fleet, search: string, seedForm: boolean): number | null {
  if (search.trim() === '') return null;
  if (!seedForm) return 0;
  const terms = parseSearch(search);
  let n = 0;
  for (const c of fleet.containers.values()) if (matchesSearch(c, terms)) n++;
  return n;
}

const stateCount = (fleet: Fleet, state: ContainerState): number =>
  [...fleet.containers.values()].filter((c) => c.state === state).length;

async function runOnce(
  browser: Browser,
  build: Build,
  fleet: Fleet,
  profile: boolean,
  trace = false,
): Promise<RunResult> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const profiles: Record<string, string[]> = {};
  const profiler = profile ? build.profiler : null;
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(instrument, build.seedForm);
    const url = build.gateway.url;

    // First render. The CPU meter and a profile need the page's process before the app loads:
    // start on a same-origin file, then navigate.
    await page.goto(`${url}/favicon.ico`);
    const meter = await CpuMeter.start(page);
    let cdp: CDPSession | null = null;
    if (profiler) cdp = await Profiler.start(page);
    const traceDir = trace ? TRACE_DIR : undefined;
    const startTrace = async (): Promise<void> => {
      if (traceDir) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    };
    const stopTrace = async (phase: string): Promise<void> => {
      if (traceDir)
        profiles[`${phase}, trace`] = summarizeTrace(
          await browser.stopTracing(),
          traceDir,
          `${build.label}-${phase}`,
        );
    };
    await startTrace();
    const loadCpuFrom = await meter.read();
    await page.goto(`${url}/`, { waitUntil: 'commit', timeout: 30_000 });
    await page.waitForFunction(
      () => (window as unknown as { __perf: PagePerf }).__perf.firstRows?.painted != null,
      undefined,
      { timeout: 60_000, polling: 100 },
    );
    await page
      .getByTestId('fleet-total')
      .filter({ hasText: `${fleet.containers.size.toLocaleString('en-US')} containers` })
      .waitFor({ timeout: 30_000 });
    if (profiler && cdp) profiles['load'] = await profiler.stop(cdp, `${build.label}-load`);
    await stopTrace('load');
    // Settled: no long task for a second (the catch-up after initial_state, stats, …).
    await page.waitForFunction(
      () => {
        const p = (window as unknown as { __perf: PagePerf }).__perf;
        const last = p.longTasks.at(-1);
        return !last || performance.now() - (last.start + last.duration) > 1_000;
      },
      undefined,
      { timeout: 60_000, polling: 200 },
    );
    const loaded = await readPerf(page);
    const loadCpu = CpuMeter.since(loadCpuFrom, await meter.read());
    const nav = await page.evaluate(() => {
      const [n] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
      return { documentMs: n?.domContentLoadedEventEnd ?? NaN };
    });
    const firstRows = loaded.firstRows;
    if (!firstRows?.painted) throw new Error('no rows painted');
    const at = (event: string): { at: number; bytes: number } =>
      loaded.ws.find((m) => m.event === event) ?? { at: NaN, bytes: NaN };
    const loadTasks = loaded.longTasks.filter((t) => t.start < (firstRows.painted ?? 0));
    const load = {
      documentMs: nav.documentMs,
      connectedMs: at('connection_established').at,
      initialStateMs: at('initial_state').at,
      initialStateBytes: at('initial_state').bytes,
      firstRowsMs: firstRows.painted,
      rows: firstRows.rows,
      longTasks: loadTasks.length,
      longestTaskMs: Math.max(0, ...loadTasks.map((t) => t.duration)),
      cpu: loadCpu,
    };

    // What the page costs doing nothing (the instrumentation's frame loop, clocks): per second.
    const idleFrom = await meter.read();
    await page.waitForTimeout(1_000);
    const idleCpu = CpuMeter.since(idleFrom, await meter.read()).threadMs;

    // Typing, then erasing, one key at a time.
    const search = page.getByTestId('fleet-search');
    await search.click();
    if (profiler) cdp = await Profiler.start(page);
    await startTrace();
    const typingFrom = await page.evaluate(() => performance.now());
    const steps: { key: string; text: string }[] = [];
    for (let i = 1; i <= TYPED.length; i++)
      steps.push({ key: TYPED[i - 1], text: TYPED.slice(0, i) });
    for (let i = TYPED.length - 1; i >= 0; i--)
      steps.push({ key: 'Backspace', text: TYPED.slice(0, i) });
    const keys: KeyResult[] = [];
    let shownBefore: number | null = null;
    for (const [i, step] of steps.entries()) {
      const expect = expectedShown(fleet, step.text, build.seedForm);
      await page.evaluate((n) => {
        (window as unknown as { __perf: PagePerf }).__perf.expect = n;
      }, expect);
      const keyCpuFrom = await meter.read();
      await page.keyboard.press(step.key);
      const changes = expect !== shownBefore;
      await page.waitForFunction(
        ({ index, changes: c }) => {
          const mark = (window as unknown as { __perf: PagePerf }).__perf.keys[index];
          return mark !== undefined && mark.paint !== null && (!c || mark.listPainted !== null);
        },
        { index: i, changes },
        { timeout: 30_000, polling: 20 },
      );
      shownBefore = expect;
      await page.waitForTimeout(KEY_GAP_MS);
      keys.push({
        key: step.key,
        search: step.text,
        shown: expect,
        listMs: null,
        eventMs: 0,
        cpuMs: CpuMeter.since(keyCpuFrom, await meter.read()).threadMs,
      });
    }
    // Event Timing entries arrive after their paint: wait for the last key's.
    await page.waitForTimeout(300);
    const typed = await readPerf(page);
    if (profiler && cdp) profiles['typing'] = await profiler.stop(cdp, `${build.label}-typing`);
    await stopTrace('typing');
    typed.keys.forEach((mark, i) => {
      const next = typed.keys[i + 1]?.start ?? Infinity;
      const result = keys[i];
      const changes = result.shown !== (i === 0 ? null : keys[i - 1].shown);
      if (changes && mark.listPainted !== null) result.listMs = mark.listPainted - mark.start;
      result.eventMs = Math.max(
        0,
        ...typed.events
          .filter((e) => e.start >= mark.start - 1 && e.start < next)
          .map((e) => e.duration),
      );
    });
    const typingTasks = typed.longTasks.filter((t) => t.start >= typingFrom);

    // The burst: 500 running containers exit, 50 every 100 ms.
    const running = [...fleet.containers.values()].filter((c) => c.state === 'running');
    const random = seededRandom(Date.now() % 1_000_000);
    const picked = running.sort(() => random() - 0.5).slice(0, BURST);
    const expectedExited = stateCount(fleet, 'exited') + BURST;
    await page.evaluate((n) => {
      (window as unknown as { __perf: PagePerf }).__perf.burstExpect = n;
    }, expectedExited);
    if (profiler) cdp = await Profiler.start(page);
    await startTrace();
    const burstCpuFrom = await meter.read();
    const burstFrom = Date.now();
    for (let b = 0; b < BURST_BATCHES; b++) {
      const due = burstFrom + b * BURST_SPACING_MS;
      if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
      const batch = picked.slice((b * BURST) / BURST_BATCHES, ((b + 1) * BURST) / BURST_BATCHES);
      await Promise.all(
        batch.map((c) => {
          const next = changed(c, {
            state: 'exited',
            status: 'Exited (137) Less than a second ago',
            exit_code: 137,
            finished_at: new Date().toISOString(),
            health: 'none',
          });
          fleet.containers.set(keyOf(next), next);
          return publishChange(fleet.bus, next);
        }),
      );
    }
    const burstTo = Date.now();
    await page.waitForFunction(
      () => (window as unknown as { __perf: PagePerf }).__perf.burstShownAt !== null,
      undefined,
      { timeout: 60_000, polling: 50 },
    );
    await page.waitForTimeout(500);
    const burstCpu = CpuMeter.since(burstCpuFrom, await meter.read());
    if (profiler && cdp) profiles['burst'] = await profiler.stop(cdp, `${build.label}-burst`);
    await stopTrace('burst');
    const after = await readPerf(page);
    // The page's clock and this process's are the same system clock.
    const shownAt = after.burstShownAt ?? NaN;
    const origin = await page.evaluate(() => performance.timeOrigin);
    const toPage = (epoch: number): number => epoch - origin;
    const windowFrom = toPage(burstFrom);
    const windowTo = toPage(shownAt) + 200;
    const burstTasks = after.longTasks.filter((t) => t.start >= windowFrom && t.start <= windowTo);
    const frames = after.frames.filter((t) => t >= windowFrom && t <= windowTo);
    const intervals = frames.slice(1).map((t, i) => t - frames[i]);
    const heap = (await meter.read()).heap;
    if (errors.length > 0) throw new Error(`errors in the page: ${errors.join('; ')}`);
    return {
      build: build.label,
      load,
      keys,
      typingLongestTaskMs: Math.max(0, ...typingTasks.map((t) => t.duration)),
      idleCpuPerSecondMs: idleCpu,
      burst: {
        spreadMs: burstTo - burstFrom,
        received: after.stateChanges,
        shownAfterLastMs: shownAt - burstTo,
        longTasks: burstTasks.length,
        longestTaskMs: Math.max(0, ...burstTasks.map((t) => t.duration)),
        longTasksOver100: burstTasks.filter((t) => t.duration > 100).length,
        frameP95Ms: quantile(intervals, 0.95),
        frameMaxMs: Math.max(0, ...intervals),
        cpu: burstCpu,
      },
      heapMb: heap / 1024 / 1024,
      profiles,
    };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Setup, runs, report

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';
const load = (): string =>
  loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ');

async function main(): Promise<void> {
  out(`${cpus().length} cores; load average (1 / 5 / 15 min) at start: ${load()}`);
  const webArgs = arg('web').map((spec) => {
    const eq = spec.indexOf('=');
    return eq === -1
      ? { label: basename(spec), dir: spec }
      : { label: spec.slice(0, eq), dir: spec.slice(eq + 1) };
  });
  let ownCopy: string | undefined;
  if (webArgs.length === 0) {
    ensureWebBuild(out);
    ownCopy = snapshotWebBuild();
    webArgs.push({ label: 'this build', dir: ownCopy });
  }
  let redis: RedisHandle | undefined;
  let bus: Bus | undefined;
  let browser: Browser | undefined;
  let beats: NodeJS.Timeout | undefined;
  const builds: Build[] = [];
  try {
    redis = await startRedis();
    bus = createRedisBus({ url: redis.url, name: 'perf-fleet' });
    const fleetBus = bus;
    const hosts = hostIds();
    const fleet: Fleet = { bus, containers: new Map() };
    const started = Date.now();
    for (const [i, hostId] of hosts.entries()) {
      const containers = hostContainers(hostId, i);
      for (const c of containers) fleet.containers.set(keyOf(c), c);
      await announceHost(bus, hostId, containers);
    }
    beats = setInterval(() => {
      for (const hostId of hosts) void fleetBus.hosts.beat(hostId).catch(() => undefined);
    }, 2_000);
    const bytes = JSON.stringify([...fleet.containers.values()]).length;
    out(
      `fleet: ${fmt(hosts.length)} hosts × ${fmt(PER_HOST)} = ${fmt(fleet.containers.size)} containers ` +
        `(${fmt(bytes / 1024 / 1024, 1)} MiB as JSON), written in ${fmt((Date.now() - started) / 1000, 1)} s`,
    );
    const config = loadGatewayConfig({
      REDIS_URL: redis.url,
      PORT: '0',
      LOG_LEVEL: 'error',
      WEB_DIST: webArgs[0].dir,
    });
    const tuning = HARD_CAP_MIB > 0 ? { socketHardCapBytes: HARD_CAP_MIB * 1024 * 1024 } : {};
    if (HARD_CAP_MIB > 0) out(`gateway socketHardCapBytes raised to ${HARD_CAP_MIB} MiB`);
    for (const [i, web] of webArgs.entries()) {
      for (const seedForm of [false, true]) {
        const gateway = await startGateway(
          { ...config, webDist: web.dir },
          {
            processMetrics: false,
            replicaId: `gw-perf-${i + 1}${seedForm ? 's' : 'v'}-${process.pid}`,
            tuning,
          },
        );
        builds.push({
          ...web,
          label: `${web.label}, ${seedForm ? 'seed form' : 'view'}`,
          seedForm,
          gateway,
          profiler: PROFILE_DIR ? new Profiler(web.dir, PROFILE_DIR) : null,
        });
      }
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    });

    // A first page per build, not measured: the gateway follows every host, JITs warm up.
    for (const build of builds) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.addInitScript(instrument, build.seedForm);
      await page.goto(`${build.gateway.url}/`);
      await waitFor(
        async () =>
          (
            (await page
              .getByTestId('fleet-total')
              .textContent()
              .catch(() => '')) ?? ''
          ).startsWith(fleet.containers.size.toLocaleString('en-US')),
        { timeoutMs: 120_000, intervalMs: 500, message: `${build.label}: the whole fleet shown` },
      );
      await context.close();
    }

    const results: RunResult[] = [];
    for (let run = 1; run <= RUNS; run++) {
      for (const build of builds) {
        const result = await runOnce(
          browser,
          build,
          fleet,
          run === 1 && PROFILE_DIR !== undefined,
          run === 1 && TRACE_DIR !== undefined,
        );
        results.push(result);
        const { profiles, keys, ...rest } = result;
        out(
          `run ${run} (${build.label}): ${JSON.stringify({ ...rest, keys: keys.map((k) => [k.key, k.shown, k.listMs === null ? null : Math.round(k.listMs), Math.round(k.eventMs), Math.round(k.cpuMs)]) })}`,
        );
        for (const [phase, lines] of Object.entries(profiles)) {
          out(`  ${phase}:`);
          for (const line of lines) out(`  ${line}`);
        }
      }
    }
    report(builds, results);
  } finally {
    if (beats) clearInterval(beats);
    await browser?.close().catch(() => undefined);
    for (const build of builds) await build.gateway.close().catch(() => undefined);
    await bus?.close().catch(() => undefined);
    await redis?.close().catch(() => undefined);
    if (ownCopy) rmSync(ownCopy, { recursive: true, force: true });
  }
  out('');
  out(`load average at the end: ${load()}`);
}

function report(builds: Build[], results: RunResult[]): void {
  const stats = (values: number[]): string =>
    `${fmt(Math.min(...values))} / ${fmt(quantile(values, 0.5))} / ${fmt(Math.max(...values))}`;
  out('');
  out('best / median / worst over the runs:');
  out('');
  out(
    `| build | runs | first rows painted | initial_state received | initial_state size | long tasks before first rows (longest) | key → list painted, median of keys | key → list painted, worst key | Event Timing, worst key | burst: longest task | burst: tasks > 100 ms | burst: shown after last change | JS heap |`,
  );
  out('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const build of builds) {
    const rs = results.filter((r) => r.build === build.label);
    const listMs = (r: RunResult): number[] =>
      r.keys.filter((k) => k.listMs !== null).map((k) => k.listMs ?? 0);
    out(
      `| ${build.label} | ${rs.length} | ${stats(rs.map((r) => r.load.firstRowsMs))} ms | ${stats(rs.map((r) => r.load.initialStateMs))} ms | ${fmt(rs[0].load.initialStateBytes / 1024 / 1024, 1)} MiB | ${stats(rs.map((r) => r.load.longTasks))} (${stats(rs.map((r) => r.load.longestTaskMs))} ms) | ${stats(rs.map((r) => quantile(listMs(r), 0.5)))} ms | ${stats(rs.map((r) => Math.max(...listMs(r))))} ms | ${stats(rs.map((r) => Math.max(...r.keys.map((k) => k.eventMs))))} ms | ${stats(rs.map((r) => r.burst.longestTaskMs))} ms | ${stats(rs.map((r) => r.burst.longTasksOver100))} | ${stats(rs.map((r) => r.burst.shownAfterLastMs))} ms | ${stats(rs.map((r) => r.heapMb))} MB |`,
    );
  }
  out('');
  out(
    'Main-thread CPU (thread time: what the page itself costs, whatever the load), best / median / worst:',
  );
  out('');
  out(
    '| build | first render: CPU | of which script / style / layout (median) | per key: median of keys | per key: worst key | burst of 500: CPU | idle, per second |',
  );
  out('| --- | --- | --- | --- | --- | --- | --- |');
  for (const build of builds) {
    const rs = results.filter((r) => r.build === build.label);
    const median = (f: (r: RunResult) => number): string => fmt(quantile(rs.map(f), 0.5));
    out(
      `| ${build.label} | ${stats(rs.map((r) => r.load.cpu.threadMs))} ms | ${median((r) => r.load.cpu.scriptMs)} / ${median((r) => r.load.cpu.styleMs)} / ${median((r) => r.load.cpu.layoutMs)} ms | ${stats(
        rs.map((r) =>
          quantile(
            r.keys.map((k) => k.cpuMs),
            0.5,
          ),
        ),
      )} ms | ${stats(rs.map((r) => Math.max(...r.keys.map((k) => k.cpuMs))))} ms | ${stats(rs.map((r) => r.burst.cpu.threadMs))} ms | ${stats(rs.map((r) => r.idleCpuPerSecondMs))} ms |`,
    );
  }
  for (const build of builds) {
    const rs = results.filter((r) => r.build === build.label);
    out('');
    out(`${build.label}, per key (median over the runs; "=" the count did not change):`);
    out(`| key | ${rs[0].keys.map((k) => (k.key === 'Backspace' ? '⌫' : k.key)).join(' | ')} |`);
    out(`| --- | ${rs[0].keys.map(() => '---').join(' | ')} |`);
    out(
      `| shown | ${rs[0].keys.map((k) => (k.shown === null ? 'all' : fmt(k.shown))).join(' | ')} |`,
    );
    out(
      `| list painted (ms) | ${rs[0].keys
        .map((k, i) =>
          k.listMs === null
            ? '='
            : fmt(
                quantile(
                  rs.map((r) => r.keys[i].listMs ?? NaN),
                  0.5,
                ),
              ),
        )
        .join(' | ')} |`,
    );
    out(
      `| main-thread CPU (ms) | ${rs[0].keys
        .map((_, i) =>
          fmt(
            quantile(
              rs.map((r) => r.keys[i].cpuMs),
              0.5,
            ),
          ),
        )
        .join(' | ')} |`,
    );
    out(
      `| Event Timing (ms) | ${rs[0].keys
        .map((_, i) => {
          const ms = quantile(
            rs.map((r) => r.keys[i].eventMs),
            0.5,
          );
          return ms === 0 ? '<16' : fmt(ms);
        })
        .join(' | ')} |`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
