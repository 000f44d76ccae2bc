/**
 * What a merged log view of many containers costs the page, in Node (no DOM: the view's model
 * alone, which is where the merging happens). For 6, 20 and 32 sources: a full rebuild (a filter
 * or JSON expansion changed), a filter that passes ~1 % of the lines, one live flush (5 new lines
 * per source merged into the rows) and the heap per kept line. Prints the best of 7 runs
 * (the machine is shared: the best is the least disturbed).
 *
 *   node --expose-gc -r ./apps/gateway/test/support/ts-hook.js e2e/perf/merged-view.perf.ts
 */
import { loadavg } from 'node:os';
import { type LogLine, toLogLines } from '../../apps/web/src/app/logs/log-line';
import type { LogSource } from '../../apps/web/src/app/logs/log-stream';
import { LogViewState } from '../../apps/web/src/app/logs/log-view-state';
import { RingBuffer } from '../../apps/web/src/app/logs/ring-buffer';

/** Lines kept per stream and per view (WebConfig.logCapacity). */
const CAPACITY = 100_000;
const T0 = Date.parse('2024-05-01T10:00:00Z');

class Source implements LogSource {
  readonly ring = new RingBuffer<LogLine>(CAPACITY);
  appended = 0;
  constructor(
    readonly key: string,
    private readonly index: number,
  ) {}

  /** `n` access-log-like lines, 20 ms apart, from `at` (ms). */
  add(n: number, at: number): void {
    const raws = [];
    for (let i = 0; i < n; i++) {
      const ts = new Date(at + i * 20 + this.index).toISOString().replace('Z', '123456Z');
      const raw = `${ts} GET /api/items/${i} 200 level=info took=${i % 97}ms src=${this.index}`;
      raws.push({ raw, stderr: false, lineNo: null });
    }
    const lines = toLogLines(this.key, raws, this.ring.last());
    this.ring.pushAll(lines);
    this.appended += lines.length;
  }
}

function best(runs: number, f: () => void): number {
  let min = Infinity;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    f();
    min = Math.min(min, performance.now() - start);
  }
  return min;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const fmt = (n: number): string => n.toLocaleString('en-US');
const out = (line: string): void => void process.stdout.write(`${line}\n`);

out(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`,
);
out(
  '| sources | lines kept | rebuild | filter (~1 % pass) | live flush (5 lines × sources) | heap per line |',
);
out('| --- | --- | --- | --- | --- | --- |');
for (const [k, perSource] of [
  [6, 5_000],
  [20, 5_000],
  [20, 20_000],
  [32, 5_000],
] as const) {
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const sources = Array.from({ length: k }, (_, i) => new Source(`h/c${i}`, i));
  for (const s of sources) s.add(perSource, T0);
  gc();
  const heapPerLine = (process.memoryUsage().heapUsed - heapBefore) / (k * perSource);
  const view = new LogViewState(sources, CAPACITY);
  const rebuild = best(7, () => view.rebuild());
  const filter = best(7, () => view.setFilter((l) => l.plain.includes('took=5ms')));
  view.setFilter(null);
  let at = T0 + perSource * 20;
  const flush = best(20, () => {
    for (const s of sources) s.add(5, at);
    at += 100;
    view.sync();
  });
  out(
    `| ${k} | ${fmt(k * perSource)} | ${rebuild.toFixed(0)} ms | ${filter.toFixed(0)} ms | ${flush.toFixed(2)} ms | ${heapPerLine.toFixed(0)} B |`,
  );
}
out(
  `load average at end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`,
);
