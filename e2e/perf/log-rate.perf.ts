/**
 * Log viewer under a flood: a container writes 5,000 lines/s for ~10 s (bursts of 500 lines
 * every 100 ms) while Chromium shows its log through the real stack (agent, Redis, two gateway
 * replicas behind the load balancer). Measured in the page: lines shown per second against lines
 * written per second (Docker's timestamps), how far the page lags, long tasks (a
 * `PerformanceObserver({ type: 'longtask' })` installed before the app loads), frame intervals
 * and the JS heap. Prints the numbers; asserts nothing beyond "every line arrived".
 *
 *   node -r ./apps/gateway/test/support/ts-hook.js e2e/perf/log-rate.perf.ts [--runs=3]
 *
 * Not part of `npm test` (a run takes about 30 s).
 */
import { cpus, loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { SLEEP_FOREVER, demuxDockerLog, toLines, waitFor } from '@flotilla/testing';
import {
  afterGo,
  downloadLog,
  logCount,
  openDashboard,
  touch,
  waitForStreaming,
} from '../support/dashboard';
import { startStack, type Stack } from '../support/stack';
import { ensureWebBuild } from '../support/web-build';

const BURSTS = 100;
const PER_BURST = 500;
const BURST_INTERVAL_US = 100_000;
const TOTAL = BURSTS * PER_BURST;

/** `flood <n> …` lines, 500 per burst (one awk each), one burst every 100 ms. */
const flood = afterGo(
  `i=0; while [ $i -lt ${BURSTS} ]; do ` +
    `awk -v s=$((i*${PER_BURST})) 'BEGIN { for (j = 1; j <= ${PER_BURST}; j++) printf "flood %d level=info msg=\\"request served\\" path=/api/items status=200 ms=12\\n", s + j }'; ` +
    `i=$((i+1)); usleep ${BURST_INTERVAL_US}; done; ${SLEEP_FOREVER}`,
);

interface PagePerf {
  longTasks: { start: number; duration: number }[];
  /** [epoch ms, lines shown] every ~100 ms. */
  samples: [number, number][];
  /** rAF timestamps, epoch ms. */
  frames: number[];
}

/** Installed before the app's own scripts run. */
function instrument(): void {
  const perf: PagePerf = { longTasks: [], samples: [], frames: [] };
  (window as unknown as { __perf: PagePerf }).__perf = perf;
  const epoch = (t: number): number => performance.timeOrigin + t;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      perf.longTasks.push({ start: epoch(entry.startTime), duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  setInterval(() => {
    const text = document.querySelector('[data-testid="log-count"]')?.textContent ?? '';
    const match = /([\d,]+)/.exec(text);
    if (match) perf.samples.push([Date.now(), Number(match[1].replace(/,/g, ''))]);
  }, 100);
  const frame = (t: number): void => {
    perf.frames.push(epoch(t));
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

const quantile = (values: number[], q: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

/** Docker's RFC 3339 nanosecond timestamp, as epoch ms with sub-ms precision. */
const epochOf = (timestamp: string): number => {
  const [seconds, fraction = '0'] = timestamp.replace('Z', '').split('.');
  return Date.parse(`${seconds}Z`) + Number(`0.${fraction}`) * 1000;
};

export interface RunResult {
  written: number;
  writeSeconds: number;
  writtenPerSecond: number;
  shown: number;
  /** From the first line written to the last line shown. */
  showSeconds: number;
  shownPerSecond: number;
  /** Highest lines shown in any one-second window. */
  peakShownPerSecond: number;
  /** Last line shown minus last line written. */
  lagAtEndMs: number;
  gaps: number;
  inOrder: boolean;
  longTasksDuringFlood: number;
  longestTaskDuringFloodMs: number;
  longTasksAtLoad: number;
  longestTaskAtLoadMs: number;
  frameMedianMs: number;
  frameP95Ms: number;
  frameMaxMs: number;
  heapMb: number;
  /** Lines written and shown in each second from the first line written. */
  perSecond: { written: number[]; shown: number[] };
}

async function runOnce(stack: Stack): Promise<RunResult> {
  const container = await stack.containers.create(flood);
  await stack.known(container.id);
  const page: Page = await stack.newPage();
  try {
    await page.addInitScript(instrument);
    await openDashboard(page, stack.url, `/logs/${stack.hostId}/${container.id}`);
    await waitForStreaming(page);
    const loadedAt = Date.now();
    await touch(container, '/tmp/go');

    // Docker has every line once the script is past its loop.
    let dockerLines: string[] = [];
    await waitFor(
      async () => {
        const raw = await container.logs({
          stdout: true,
          stderr: false,
          timestamps: true,
          follow: false,
        });
        dockerLines = toLines(demuxDockerLog(raw).stdout);
        return dockerLines.length >= TOTAL;
      },
      { timeoutMs: 60_000, intervalMs: 500, message: `${TOTAL} lines written` },
    );
    await waitFor(async () => (await logCount(page)) >= TOTAL, {
      timeoutMs: 60_000,
      intervalMs: 100,
      message: `${TOTAL} lines shown`,
    });
    // A last sample after the final count, then read what the page measured.
    await page.waitForFunction(
      (total) => {
        const samples = (window as unknown as { __perf: PagePerf }).__perf.samples;
        return samples.length > 0 && samples[samples.length - 1][1] >= total;
      },
      TOTAL,
      { timeout: 5_000 },
    );
    const perf = await page.evaluate(() => (window as unknown as { __perf: PagePerf }).__perf);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;

    const shownLines = await downloadLog(page);
    const expected = Array.from({ length: TOTAL }, (_, i) => `flood ${i + 1} `);
    const inOrder =
      shownLines.length === TOTAL && shownLines.every((line, i) => line.startsWith(expected[i]));
    const gaps = shownLines.filter((line) => line.startsWith('--- ')).length;

    const times = dockerLines.map((line) => epochOf(line.slice(0, line.indexOf(' '))));
    const firstWritten = times[0];
    const lastWritten = times[times.length - 1];
    const lastShownAt = perf.samples.find(([, n]) => n >= TOTAL)?.[0] ?? NaN;
    let peak = 0;
    for (const [t, n] of perf.samples) {
      const before = [...perf.samples].reverse().find(([s]) => s <= t - 1_000);
      if (before) peak = Math.max(peak, n - before[1]);
    }
    const floodFrames = perf.frames.filter((t) => t >= firstWritten && t <= lastShownAt);
    const intervals = floodFrames.slice(1).map((t, i) => t - floodFrames[i]);
    const during = perf.longTasks.filter(
      (task) => task.start >= firstWritten && task.start <= lastShownAt,
    );
    const atLoad = perf.longTasks.filter((task) => task.start < loadedAt);
    const seconds = Math.ceil((Math.max(lastShownAt, lastWritten) - firstWritten) / 1000);
    const written = Array.from(
      { length: seconds },
      (_, k) =>
        times.filter((t) => t >= firstWritten + k * 1000 && t < firstWritten + (k + 1) * 1000)
          .length,
    );
    const shownBy = (t: number): number =>
      [...perf.samples].reverse().find(([s]) => s <= t)?.[1] ?? 0;
    const shown = Array.from(
      { length: seconds },
      (_, k) =>
        Math.min(TOTAL, shownBy(firstWritten + (k + 1) * 1000)) -
        Math.min(TOTAL, shownBy(firstWritten + k * 1000)),
    );
    return {
      perSecond: { written, shown },
      written: times.length,
      writeSeconds: (lastWritten - firstWritten) / 1000,
      writtenPerSecond: times.length / ((lastWritten - firstWritten) / 1000),
      shown: shownLines.length,
      showSeconds: (lastShownAt - firstWritten) / 1000,
      shownPerSecond: TOTAL / ((lastShownAt - firstWritten) / 1000),
      peakShownPerSecond: peak,
      lagAtEndMs: lastShownAt - lastWritten,
      gaps,
      inOrder,
      longTasksDuringFlood: during.length,
      longestTaskDuringFloodMs: Math.max(0, ...during.map((t) => t.duration)),
      longTasksAtLoad: atLoad.length,
      longestTaskAtLoadMs: Math.max(0, ...atLoad.map((t) => t.duration)),
      frameMedianMs: quantile(intervals, 0.5),
      frameP95Ms: quantile(intervals, 0.95),
      frameMaxMs: Math.max(0, ...intervals),
      heapMb: heap / 1024 / 1024,
    };
  } finally {
    await page.context().close();
    await stack.containers.remove(container.id);
  }
}

const round = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const runs = Number(
    /^--runs=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--runs=')) ?? '')?.[1] ?? 1,
  );
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  ensureWebBuild(out);
  const load = (): string =>
    loadavg()
      .map((n) => n.toFixed(1))
      .join(' / ');
  out(`${cpus().length} cores; load average (1 / 5 / 15 min) at start: ${load()}`);
  const stack = await startStack();
  const results: RunResult[] = [];
  try {
    for (let i = 1; i <= runs; i++) {
      const result = await runOnce(stack);
      results.push(result);
      out(`run ${i}: ${JSON.stringify(result)}`);
    }
  } finally {
    await stack.close();
  }
  out('');
  out(
    '| run | written | lines/s written | lines/s shown (mean) | peak shown in 1 s | lag at end | gaps | in order | long tasks during flood | longest | frame median / p95 / max | JS heap |',
  );
  out('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  results.forEach((r, i) =>
    out(
      `| ${i + 1} | ${round(r.written)} in ${round(r.writeSeconds, 1)} s | ${round(r.writtenPerSecond)} | ${round(r.shownPerSecond)} | ${round(r.peakShownPerSecond)} | ${round(r.lagAtEndMs)} ms | ${r.gaps} | ${r.inOrder ? 'yes' : 'no'} | ${r.longTasksDuringFlood} | ${round(r.longestTaskDuringFloodMs)} ms | ${round(r.frameMedianMs, 1)} / ${round(r.frameP95Ms, 1)} / ${round(r.frameMaxMs)} ms | ${round(r.heapMb, 1)} MB |`,
    ),
  );
  results.forEach((r, i) => {
    out('');
    out(`run ${i + 1}, per second from the first line written:`);
    out(`| second | ${r.perSecond.written.map((_, k) => k + 1).join(' | ')} |`);
    out(`| --- | ${r.perSecond.written.map(() => '---').join(' | ')} |`);
    out(`| written | ${r.perSecond.written.map((n) => round(n)).join(' | ')} |`);
    out(`| shown | ${r.perSecond.shown.map((n) => round(n)).join(' | ')} |`);
  });
  out('');
  out(`load average at the end: ${load()}`);
  out(
    `long tasks while the app loaded: ${results.map((r) => `${r.longTasksAtLoad} (longest ${round(r.longestTaskAtLoadMs)} ms)`).join(', ')}`,
  );
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
