import type { LogUpdatePayload } from '@flotilla/contracts/core';
import { cid, logUpdate } from '../../testing/fixtures';
import { type EarlierPage, LogStream } from './log-stream';

function newStream(capacity = 1000): LogStream {
  return new LogStream('host-a', cid('a1'), capacity);
}

const plains = (s: LogStream): string[] => s.ring.toArray().map((l) => l.plain);

describe('LogStream', () => {
  it('keeps the last entry id as its cursor', () => {
    const stream = newStream();
    expect(stream.cursor).toBeNull();
    stream.receive(logUpdate({ firstLine: 1, count: 5, perEntry: 2 }));
    expect(stream.cursor).toBe('5-0');
  });

  it('queues on receive and appends on flush', () => {
    const stream = newStream();
    const result = stream.receive(logUpdate({ firstLine: 1, count: 3 }));
    expect(result).toEqual({ changed: true, resumeAfter: null });
    expect(stream.ring.length).toBe(0);
    expect(stream.flush()).toBe(3);
    expect(plains(stream)).toEqual(['line 1', 'line 2', 'line 3']);
    expect(stream.ring.toArray().map((l) => l.lineNo)).toEqual([1, 2, 3]);
    expect(stream.version()).toBe(1);
  });

  it('ignores entries that are not newer than the cursor', () => {
    const stream = newStream();
    stream.receive(logUpdate({ firstLine: 1, count: 4, perEntry: 2 }));
    // The same entries again, then a new one.
    stream.receive(logUpdate({ firstLine: 1, count: 6, perEntry: 2 }));
    stream.flush();
    expect(plains(stream)).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5', 'line 6']);
    expect(stream.cursor).toBe('6-0');
  });

  it('takes only the new lines of an entry that overlaps the cursor', () => {
    const stream = newStream();
    stream.receive(logUpdate({ firstLine: 1, count: 3 }));
    stream.receive(logUpdate({ firstLine: 2, count: 4 }));
    stream.flush();
    expect(plains(stream)).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
  });

  it('marks stderr lines by their index in the update', () => {
    const stream = newStream();
    stream.receive(logUpdate({ firstLine: 10, count: 3, stderr: [11] }));
    stream.flush();
    expect(stream.ring.toArray().map((l) => l.stderr)).toEqual([false, true, false]);
  });

  it('shows a gap marker as a line and resumes after it', () => {
    const stream = newStream();
    stream.receive(logUpdate({ firstLine: 1, count: 2 }));
    stream.receive({
      ...logUpdate({ firstLine: 1, count: 0 }),
      log: '500 lines are no longer retained\n',
      entries: [],
      gap: { reason: 'retention', lost: 500, resume_after: null },
    });
    stream.receive(logUpdate({ firstLine: 503, count: 1 }));
    stream.flush();
    const lines = stream.ring.toArray();
    expect(lines.map((l) => l.kind)).toEqual(['line', 'line', 'gap', 'line']);
    expect(lines[2]?.plain).toBe('500 lines are no longer retained');
    expect(lines[3]?.lineNo).toBe(503);
  });

  it('marks lines missing without a gap marker', () => {
    const stream = newStream();
    stream.receive(logUpdate({ firstLine: 1, count: 2 }));
    stream.receive(logUpdate({ firstLine: 10, count: 1 }));
    stream.flush();
    const gap = stream.ring.toArray()[2];
    expect(gap?.kind).toBe('gap');
    expect(gap?.plain).toBe('7 lines missing from what arrived');
  });

  it('asks to resume after a "dropped" gap and skips what the re-request will bring', () => {
    const stream = newStream();
    stream.receive(logUpdate({ firstLine: 1, count: 10, perEntry: 5 }));
    const result = stream.receive({
      ...logUpdate({ firstLine: 1, count: 0 }),
      log: '',
      entries: [],
      gap: { reason: 'dropped', lost: 20, resume_after: '10-0' },
    });
    expect(result.resumeAfter).toBe('10-0');
    // Live lines still in flight from before the re-request: skipped, they come again.
    stream.receive(logUpdate({ firstLine: 31, count: 2 }));
    // The re-requested range, then the live lines again.
    stream.receive(logUpdate({ firstLine: 11, count: 22, perEntry: 11 }));
    stream.flush();
    const lineNos = stream.ring
      .toArray()
      .filter((l) => l.kind === 'line')
      .map((l) => l.lineNo);
    expect(lineNos).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect(stream.ring.toArray().filter((l) => l.kind === 'gap')).toHaveLength(1);
  });

  it('starts counting again after a reset gap', () => {
    const stream = newStream();
    stream.receive(logUpdate({ firstLine: 100, count: 1 }));
    stream.receive({
      ...logUpdate({ firstLine: 1, count: 0 }),
      log: '',
      entries: [],
      gap: { reason: 'reset', lost: null, resume_after: null },
    });
    stream.receive(logUpdate({ firstLine: 1, count: 1, text: () => 'after reset' }));
    stream.flush();
    expect(plains(stream)).toContain('after reset');
    expect(stream.cursor).toBe('1-0');
  });

  it('shows lines of an update without entry ids as they come', () => {
    const stream = newStream();
    stream.receive({
      container_id: cid('a1'),
      host_id: 'host-a',
      log: 'a\nb\n',
      entries: [],
      stderr: [],
      tty: true,
    });
    stream.flush();
    expect(plains(stream)).toEqual(['a', 'b']);
    expect(stream.cursor).toBeNull();
  });

  it('stays within its capacity', () => {
    const stream = newStream(100);
    stream.receive(logUpdate({ firstLine: 1, count: 250, perEntry: 50 }));
    stream.flush();
    expect(stream.ring.length).toBe(100);
    expect(stream.appended).toBe(250);
    expect(stream.ring.first()?.lineNo).toBe(151);
  });

  it('matches updates by host and id prefix', () => {
    const stream = new LogStream('host-a', cid('a1').slice(0, 12), 10);
    expect(stream.matches({ host_id: 'host-a', container_id: cid('a1') })).toBe(true);
    expect(stream.matches({ host_id: 'host-b', container_id: cid('a1') })).toBe(false);
    expect(stream.matches({ host_id: 'host-a', container_id: cid('b2') })).toBe(false);
  });

  it('dates its last update by the newest Docker timestamp, not by arrival', () => {
    const stream = newStream();
    stream.receive(
      logUpdate({ firstLine: 1, count: 2, timestamp: (n) => `2024-05-01T10:0${n}:00.123456789Z` }),
    );
    stream.flush(new Date('2030-01-01T00:00:00Z'));
    expect(stream.lastUpdate()?.toISOString()).toBe('2024-05-01T10:02:00.123Z');
    // A backfill of older lines (a resume) does not move it back.
    stream.receive(
      logUpdate({ firstLine: 3, count: 1, timestamp: () => '2024-05-01T09:00:00+02:00' }),
    );
    stream.flush(new Date('2030-01-01T00:00:01Z'));
    expect(stream.lastUpdate()?.toISOString()).toBe('2024-05-01T10:02:00.123Z');
  });
});

describe('LogStream from a time and paging back', () => {
  const ts = (n: number): string => `2024-05-01T10:${String(n).padStart(2, '0')}:00.000000001Z`;

  /** A `load_earlier` page: `history` lines from Docker's log, then retained ones. */
  function page(options: {
    history: number[];
    retained: number[];
    more: boolean;
    before: { ts: string; entry?: string } | null;
  }): EarlierPage {
    const all = [...options.history, ...options.retained];
    return {
      status: 'ok',
      container_id: cid('a1'),
      host_id: 'host-a',
      log: all.map((n) => `${ts(n)} line ${n}\n`).join(''),
      stderr: [],
      tty: false,
      entries: options.retained.length
        ? [{ id: `${options.retained[options.retained.length - 1]}-0`, n: options.retained.length }]
        : [],
      history: options.history.length,
      more: options.more,
      before: options.before,
    };
  }

  it('has its own key per start time', () => {
    const live = newStream();
    const from = new LogStream('host-a', cid('a1'), 100, ts(1));
    expect(from.key).not.toBe(live.key);
    expect(from.since).toBe(ts(1));
  });

  it('shows history lines (no entries) as lines, then follows with the entry cursor', () => {
    const stream = newStream();
    stream.receive({
      ...logUpdate({ firstLine: 1, count: 3, timestamp: ts }),
      entries: [],
      history: true,
    });
    stream.receive(logUpdate({ firstLine: 4, count: 2, timestamp: ts }));
    stream.flush();
    expect(plains(stream)).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
    expect(stream.cursor).toBe('5-0');
  });

  it('restarts before any entry id from its last line’s time, passing over what it holds', () => {
    // Lines 3 and 4 were written in the same nanosecond.
    const at = (n: number): string => ts(n === 4 ? 3 : n);
    const history = (firstLine: number, count: number): LogUpdatePayload => ({
      ...logUpdate({ firstLine, count, timestamp: at }),
      entries: [],
      history: true,
    });
    const stream = new LogStream('host-a', cid('a1'), 100, ts(1));
    expect(stream.restartSince()).toBe(ts(1));
    stream.receive(history(1, 2));
    stream.flush();
    stream.receive(history(3, 2)); // still queued when the socket drops
    expect(stream.cursor).toBeNull();
    expect(stream.restartSince()).toBe(ts(3));

    // Nothing was retained at the first start; now the retained stream starts at that time
    // (inclusive), with lines held already in its first entries.
    stream.receive(logUpdate({ firstLine: 3, count: 5, perEntry: 2, timestamp: at }));
    stream.flush();
    expect(plains(stream)).toEqual([
      'line 1',
      'line 2',
      'line 3',
      'line 4',
      'line 5',
      'line 6',
      'line 7',
    ]);
    expect(stream.cursor).toBe('7-0');
  });

  it('restarts a stream of the last lines with no time', () => {
    const stream = newStream();
    stream.receive({ ...logUpdate({ firstLine: 1, count: 2 }), entries: [] });
    expect(stream.restartSince()).toBeNull();
  });

  it('asks for earlier lines from the first line held: its time and entry', () => {
    const stream = newStream();
    expect(stream.earlierPosition()).toBeNull();
    stream.receive(logUpdate({ firstLine: 7, count: 2, timestamp: ts }));
    stream.flush();
    expect(stream.earlierPosition()).toEqual({ ts: ts(7), entry: '7-0' });
  });

  it('puts a page before the lines held, in order, without touching the cursor or appends', () => {
    const stream = newStream();
    stream.receive(logUpdate({ firstLine: 7, count: 2, timestamp: ts }));
    stream.flush();
    const appended = stream.appended;
    const added = stream.prepend(
      page({ history: [3, 4], retained: [5, 6], more: true, before: { ts: ts(3) } }),
    );
    expect(added).toBe(4);
    expect(plains(stream)).toEqual(['line 3', 'line 4', 'line 5', 'line 6', 'line 7', 'line 8']);
    expect(stream.ring.toArray().map((l) => l.lineNo)).toEqual([null, null, 5, 6, 7, 8]);
    const uids = stream.ring.toArray().map((l) => l.uid);
    expect([...uids].sort((a, b) => a - b)).toEqual(uids);
    expect(stream.cursor).toBe('8-0');
    expect(stream.appended).toBe(appended);
    expect(stream.prepended()).toBe(1);
    expect(stream.earlier()).toBe('more');
    // The next page is asked for from where the server said, not from the first line held.
    expect(stream.earlierPosition()).toEqual({ ts: ts(3) });
    // Live lines keep coming after the page, once.
    stream.receive(logUpdate({ firstLine: 8, count: 2, timestamp: ts }));
    stream.flush();
    expect(plains(stream).slice(-3)).toEqual(['line 7', 'line 8', 'line 9']);
  });

  it('never takes a line twice when a page overlaps what is held', () => {
    const stream = newStream();
    stream.receive(logUpdate({ firstLine: 5, count: 2, timestamp: ts }));
    stream.flush();
    stream.prepend(page({ history: [], retained: [3, 4, 5, 6], more: false, before: null }));
    expect(plains(stream)).toEqual(['line 3', 'line 4', 'line 5', 'line 6']);
  });

  it('says when the beginning is reached and stops asking', () => {
    const stream = newStream();
    stream.receive(logUpdate({ firstLine: 2, count: 1, timestamp: ts }));
    stream.flush();
    stream.prepend(page({ history: [1], retained: [], more: false, before: null }));
    expect(stream.earlier()).toBe('beginning');
    expect(stream.earlierPosition()).toBeNull();
  });

  it('takes no page that would push held lines out of the buffer', () => {
    const stream = newStream(3);
    stream.receive(logUpdate({ firstLine: 5, count: 2, timestamp: ts }));
    stream.flush();
    expect(stream.room).toBe(1);
    expect(
      stream.prepend(page({ history: [], retained: [3, 4], more: true, before: { ts: ts(3) } })),
    ).toBe(0);
    expect(plains(stream)).toEqual(['line 5', 'line 6']);
  });

  it('shows a skipped gap as a marker', () => {
    const stream = newStream();
    stream.receive({
      ...logUpdate({ firstLine: 1, count: 0 }),
      log: '',
      gap: { reason: 'skipped', lost: 1200, resume_after: null },
    });
    stream.flush();
    expect(plains(stream)).toEqual(['1,200 lines skipped: the view went on from the live edge']);
  });
});
