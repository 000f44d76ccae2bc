import { humanDuration } from './human-duration';

describe('humanDuration (Go units.HumanDuration)', () => {
  it.each([
    [500, 'Less than a second'],
    [1_000, '1 second'],
    [3_400, '3 seconds'],
    [59_999, '59 seconds'],
    [60_000, 'About a minute'],
    [119_000, 'About a minute'],
    [120_000, '2 minutes'],
    [59 * 60_000, '59 minutes'],
    [60 * 60_000, 'About an hour'],
    [89 * 60_000, 'About an hour'],
    [91 * 60_000, '2 hours'],
    [47 * 3_600_000, '47 hours'],
    [48 * 3_600_000, '2 days'],
    [15 * 86_400_000, '2 weeks'],
    [70 * 86_400_000, '2 months'],
    [800 * 86_400_000, '2 years'],
  ])('%d ms → %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
