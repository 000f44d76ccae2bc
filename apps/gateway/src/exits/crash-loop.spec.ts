import { crashLoopState } from './crash-loop';

const RULE = { exits: 3, windowMs: 300_000 };
const NOW = 10_000_000;

describe('crashLoopState', () => {
  it('loops with the threshold of exits inside the window', () => {
    const times = [NOW - 1_000, NOW - 60_000, NOW - 299_000];
    expect(crashLoopState(times, NOW, RULE)).toEqual({
      looping: true,
      exits_in_window: 3,
      threshold: 3,
      window_ms: 300_000,
    });
  });

  it('does not loop below the threshold, and clears as exits age out of the window', () => {
    expect(crashLoopState([NOW - 1_000, NOW - 2_000], NOW, RULE).looping).toBe(false);
    const times = [NOW - 1_000, NOW - 2_000, NOW - 3_000];
    expect(crashLoopState(times, NOW + 296_000, RULE).looping).toBe(true);
    expect(crashLoopState(times, NOW + 297_000, RULE)).toMatchObject({
      looping: false,
      exits_in_window: 2,
    });
  });

  it('ignores exits stamped after now (another replica read the clock first)', () => {
    expect(crashLoopState([NOW + 5, NOW + 6, NOW - 1], NOW, RULE).exits_in_window).toBe(1);
  });
});
