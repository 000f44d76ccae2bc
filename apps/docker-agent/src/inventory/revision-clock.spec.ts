import { RevisionClock } from './revision-clock';

describe('RevisionClock', () => {
  it('follows the clock in microseconds', () => {
    const clock = new RevisionClock(() => 1_700_000_000_000);
    expect(clock.next('a')).toBe(1_700_000_000_000_000);
  });

  it('still grows when the clock stands still or goes back', () => {
    let now = 1_700_000_000_000;
    const clock = new RevisionClock(() => now);
    const r1 = clock.next('a');
    const r2 = clock.next('a');
    now -= 5_000;
    const r3 = clock.next('a');
    expect(r2).toBe(r1 + 1);
    expect(r3).toBe(r2 + 1);
  });

  it('exceeds a revision published before (a restarted agent moves forward)', () => {
    const clock = new RevisionClock(() => 1_000);
    expect(clock.next('a', 9_999_999)).toBe(10_000_000);
    clock.observe('b', 5_000_000);
    expect(clock.next('b')).toBe(5_000_001);
  });

  it('keeps containers apart', () => {
    let now = 1;
    const clock = new RevisionClock(() => now);
    clock.next('a');
    clock.next('a');
    now = 2;
    expect(clock.next('b')).toBe(2_000);
  });
});
