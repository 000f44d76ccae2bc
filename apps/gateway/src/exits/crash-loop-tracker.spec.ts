import { CrashLoopTracker } from './crash-loop-tracker';

const RULE = { exits: 3, windowMs: 300_000 };
const T = 10_000_000;
const WEB = { host_id: 'h1', container_id: 'a'.repeat(64), name: 'web', labels: {} };
const DB = { host_id: 'h1', container_id: 'b'.repeat(64), name: 'db', labels: {} };

describe('CrashLoopTracker', () => {
  it('reports each exit with the count, and loops at the threshold', () => {
    const tracker = new CrashLoopTracker(RULE);
    const first = tracker.record(`${T}-0`, WEB, T);
    expect(first?.payload).toEqual({
      host_id: 'h1',
      container_id: WEB.container_id,
      crash_loop: { looping: false, exits_in_window: 1, threshold: 3, window_ms: 300_000 },
      last_exit_id: `${T}-0`,
    });
    expect(first?.flipped).toBe(false);
    expect(tracker.record(`${T + 2_000}-0`, WEB, T + 2_000)?.flipped).toBe(false);
    const third = tracker.record(`${T + 4_000}-0`, WEB, T + 4_000);
    expect(third?.payload.crash_loop).toMatchObject({ looping: true, exits_in_window: 3 });
    expect(third?.flipped).toBe(true);
    expect(third?.ref.name).toBe('web');
    expect(tracker.record(`${T + 6_000}-0`, WEB, T + 6_000)?.flipped).toBe(false);
    expect(tracker.looping().map((c) => c.payload.container_id)).toEqual([WEB.container_id]);
  });

  it('ignores an exit already taken (a host followed again replays its window)', () => {
    const tracker = new CrashLoopTracker(RULE);
    expect(tracker.record(`${T}-0`, WEB, T)).not.toBeNull();
    expect(tracker.record(`${T}-0`, WEB, T)).toBeNull();
    expect(tracker.record(`${T - 1}-0`, DB, T)).toBeNull();
    expect(tracker.record(`${T}-1`, DB, T)?.payload.crash_loop.exits_in_window).toBe(1);
  });

  it('counts an exit the replica clock has not reached yet (the record was just written)', () => {
    const tracker = new CrashLoopTracker(RULE);
    const change = tracker.record(`${T + 500}-0`, WEB, T);
    expect(change?.payload.crash_loop.exits_in_window).toBe(1);
  });

  it('does not un-count an exit when the replica’s clock estimate lags behind the bus', () => {
    const tracker = new CrashLoopTracker(RULE);
    for (const dt of [0, 1_000, 2_000]) tracker.record(`${T + dt}-0`, WEB, T);
    expect(tracker.tick(T + 500)).toEqual([]);
    expect(tracker.looping()).toHaveLength(1);
  });

  it('lets no host’s ids from the future age out another host’s loop', () => {
    const tracker = new CrashLoopTracker(RULE);
    for (const dt of [0, 1_000, 2_000]) tracker.record(`${T + dt}-0`, WEB, T + dt);
    const other = { ...DB, host_id: 'h2' };
    tracker.record(`${T + 86_400_000}-0`, other, T + 2_000);
    expect(tracker.tick(T + 3_000)).toEqual([]);
    expect(tracker.looping().map((c) => c.payload.container_id)).toEqual([WEB.container_id]);
  });

  it('reports the end of a loop once exits age out, then forgets the container', () => {
    const tracker = new CrashLoopTracker(RULE);
    for (const dt of [0, 1_000, 2_000]) tracker.record(`${T + dt}-0`, WEB, T + dt);
    expect(tracker.tick(T + 299_000)).toEqual([]);
    const ended = tracker.tick(T + 300_500);
    expect(ended.map((c) => c.payload.crash_loop)).toEqual([
      { looping: false, exits_in_window: 2, threshold: 3, window_ms: 300_000 },
    ]);
    expect(tracker.looping()).toEqual([]);
    expect(tracker.size).toBe(1);
    expect(tracker.tick(T + 302_000)).toEqual([]);
    expect(tracker.size).toBe(0);
  });

  it('keeps at most 100 exits per container', () => {
    const tracker = new CrashLoopTracker(RULE);
    let last = null;
    for (let i = 0; i < 250; i++) last = tracker.record(`${T + i}-0`, WEB, T + i);
    expect(last?.payload.crash_loop.exits_in_window).toBe(100);
  });
});
