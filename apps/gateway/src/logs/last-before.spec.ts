import { dockerTime } from '@flotilla/contracts';
import {
  EARLIER_WINDOWS_MS,
  lastBefore,
  type HistoryLine,
  type HistoryRead,
} from './docker-history';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-03-04T05:06:07.000Z');

/** A Docker log: one line at each of these times (ms), oldest first. */
function logAt(times: number[]): HistoryLine[] {
  return times.map((t, i) => ({
    ts: dockerTime(new Date(t).toISOString()) as string,
    stream: 'stdout',
    line: `line ${i + 1}`,
  }));
}

/** Reads as the agent does: the lines within since..until, the newest `limit` of them. */
function reader(log: HistoryLine[]) {
  const reads: HistoryRead[] = [];
  const scanned: number[] = [];
  const read = (r: HistoryRead): Promise<HistoryLine[]> => {
    reads.push(r);
    const within = log.filter(
      (l) => (r.since === null || l.ts >= r.since) && (r.until === null || l.ts <= r.until),
    );
    scanned.push(within.length);
    return Promise.resolve(within.slice(Math.max(0, within.length - r.limit)));
  };
  return { read, reads, scanned };
}

const until = (ms: number) => dockerTime(new Date(ms).toISOString()) as string;
const newest = (log: HistoryLine[], before: string, n: number) => {
  const held = log.filter((l) => l.ts <= before);
  return held.slice(Math.max(0, held.length - n));
};

describe('lastBefore: a page of Docker log read through windows that widen', () => {
  it('a busy log: one read of the last minute, never the whole log', async () => {
    // Two hours of ten lines a second.
    const log = logAt(Array.from({ length: 72_000 }, (_, i) => NOW - 2 * HOUR + i * 100));
    const { read, reads, scanned } = reader(log);
    const at = until(NOW - HOUR);
    expect(await lastBefore(read, at, 201)).toEqual(newest(log, at, 201));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ until: at, limit: 201, last: true });
    expect(reads[0].since).toBe(until(NOW - HOUR - EARLIER_WINDOWS_MS[0]));
    expect(scanned[0]).toBeLessThanOrEqual(601);
  });

  it('a quiet log: the window widens until it holds the page, and the page is exact', async () => {
    // One line every 5 minutes for two days: 1 min and 10 min hold 0 and 2, one hour 12.
    const log = logAt(Array.from({ length: 576 }, (_, i) => NOW - (576 - i) * 300_000));
    const { read, reads } = reader(log);
    expect(await lastBefore(read, until(NOW), 10)).toEqual(newest(log, until(NOW), 10));
    expect(reads.map((r) => r.since)).toEqual([
      until(NOW - EARLIER_WINDOWS_MS[0]),
      until(NOW - EARLIER_WINDOWS_MS[1]),
      until(NOW - EARLIER_WINDOWS_MS[2]),
    ]);
  });

  it('fewer lines than the page in the widest window: the whole log, down to line 1', async () => {
    const log = logAt([NOW - 30 * 24 * HOUR, NOW - 3 * 24 * HOUR, NOW - 2 * HOUR, NOW - 30_000]);
    const { read, reads } = reader(log);
    const page = await lastBefore(read, until(NOW), 50);
    expect(page).toEqual(log);
    expect(page[0].line).toBe('line 1');
    expect(reads).toHaveLength(EARLIER_WINDOWS_MS.length + 1);
    expect(reads[reads.length - 1]).toMatchObject({ since: null, limit: 50, last: true });
  });

  it('pages back through a log of any density, each line once, to line 1', async () => {
    // Bursts and silences: 300 lines in a minute a week ago, a line an hour, a burst now.
    const times = [
      ...Array.from({ length: 300 }, (_, i) => NOW - 7 * 24 * HOUR + i * 200),
      ...Array.from({ length: 100 }, (_, i) => NOW - (100 - i) * HOUR),
      ...Array.from({ length: 500 }, (_, i) => NOW - 50_000 + i * 100),
    ];
    const log = logAt(times);
    const { read } = reader(log);
    const got: HistoryLine[] = [];
    let before = until(NOW + 1_000);
    for (;;) {
      const page = await lastBefore(read, before, 37);
      got.unshift(...page);
      if (page.length < 37) break;
      const first = page[0].ts;
      // The next page ends just before the earliest line of this one, as `load_earlier` asks.
      before = until(Date.parse(first) - 1);
    }
    expect(got).toEqual(log);
  });
});
