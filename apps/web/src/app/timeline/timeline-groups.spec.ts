import type { TimelineEntry } from '@flotilla/contracts/core';
import { describeEntry, groupByHour, mergeEntries } from './timeline-groups';

const entry = (id: string, at: string, extra: Partial<TimelineEntry> = {}): TimelineEntry => ({
  id,
  at,
  kind: 'start',
  host_id: 'h1',
  ...extra,
});

describe('timeline groups', () => {
  it('groups newest-first points by local hour, in order', () => {
    const a = new Date(2026, 0, 1, 10, 59).toISOString();
    const b = new Date(2026, 0, 1, 10, 1).toISOString();
    const c = new Date(2026, 0, 1, 9, 30).toISOString();
    const groups = groupByHour([entry('a', a), entry('b', b), entry('c', c)]);
    expect(groups.map((g) => g.entries.map((e) => e.id))).toEqual([['a', 'b'], ['c']]);
    expect(groups[0].hour).toBe(new Date(2026, 0, 1, 10).getTime());
  });

  it('merges a fresh page into what is shown once each, newest first, within the window', () => {
    const shown = [entry('b', '2026-01-01T10:00:02Z'), entry('old', '2026-01-01T09:00:00Z')];
    const fresh = [entry('c', '2026-01-01T10:00:03Z'), entry('b', '2026-01-01T10:00:02Z')];
    const merged = mergeEntries(fresh, shown, Date.parse('2026-01-01T09:30:00Z'));
    expect(merged.map((e) => e.id)).toEqual(['c', 'b']);
  });

  it('says what a point means', () => {
    expect(describeEntry(entry('x', '', { kind: 'die', exit_code: 3 }))).toBe('died (exit 3)');
    expect(describeEntry(entry('x', '', { kind: 'oom', exit_code: 137 }))).toBe(
      'killed: out of memory (exit 137)',
    );
    expect(describeEntry(entry('x', '', { kind: 'health', health: 'unhealthy' }))).toBe(
      'health: unhealthy',
    );
    expect(
      describeEntry(
        entry('x', '', {
          kind: 'action',
          user: 'ann',
          action: 'stop',
          ok: false,
          error: 'forbidden',
        }),
      ),
    ).toBe('ann asked stop — refused: forbidden');
    expect(describeEntry(entry('x', '', { kind: 'unpause' }))).toBe('unpaused');
  });
});
