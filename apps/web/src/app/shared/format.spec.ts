import { sampleContainer } from '@flotilla/contracts/testing';
import { containerStatus, exitKind } from './format';

const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();
const MIN = 60_000;

describe('containerStatus (as docker ps would write it now)', () => {
  it('ages a running container from when it started, whatever status text it arrived with', () => {
    const c = sampleContainer({ status: 'Up Less than a second', started_at: ago(14 * MIN) });
    expect(containerStatus(c, NOW)).toBe('Up 14 minutes');
    expect(containerStatus(c, NOW + 46 * MIN)).toBe('Up About an hour');
  });

  it.each([
    [{ state: 'running', started_at: ago(3_000) }, 'Up 3 seconds'],
    [
      { state: 'running', started_at: ago(2 * 3_600_000), health: 'healthy' },
      'Up 2 hours (healthy)',
    ],
    [
      { state: 'running', started_at: ago(500), health: 'starting' },
      'Up Less than a second (health: starting)',
    ],
    [
      { state: 'running', started_at: ago(5 * MIN), health: 'unhealthy' },
      'Up 5 minutes (unhealthy)',
    ],
    [{ state: 'paused', started_at: ago(2 * 3_600_000) }, 'Up 2 hours (Paused)'],
    [{ state: 'exited', exit_code: 137, finished_at: ago(6 * MIN) }, 'Exited (137) 6 minutes ago'],
    [{ state: 'exited', exit_code: 0, finished_at: ago(1_000) }, 'Exited (0) 1 second ago'],
    [
      { state: 'restarting', exit_code: 1, finished_at: ago(4_000) },
      'Restarting (1) 4 seconds ago',
    ],
    [{ state: 'created', started_at: null }, 'Created'],
    [{ state: 'dead' }, 'Dead'],
    [{ state: 'removed' }, 'Removed'],
  ] as const)('%o → %s', (patch, text) => {
    expect(containerStatus(sampleContainer(patch), NOW)).toBe(text);
  });

  it('says "Less than a second" when the host clock is ahead of the browser', () => {
    expect(containerStatus(sampleContainer({ started_at: ago(-30_000) }), NOW)).toBe(
      'Up Less than a second',
    );
  });

  it('keeps the text it was given when the time it needs is missing or unreadable', () => {
    expect(
      containerStatus(sampleContainer({ status: 'Up 3 days', started_at: 'yesterday' }), NOW),
    ).toBe('Up 3 days');
    expect(
      containerStatus(sampleContainer({ state: 'exited', status: '', finished_at: null }), NOW),
    ).toBe('');
  });
});

describe('exitKind', () => {
  it('tells a clean stop from a crash and from an out-of-memory kill', () => {
    expect(exitKind({ state: 'exited', exit_code: 0 })).toBe('clean');
    expect(exitKind({ state: 'exited', exit_code: 137 })).toBe('crash');
    expect(exitKind({ state: 'restarting', exit_code: 1 })).toBe('crash');
    expect(exitKind({ state: 'dead', exit_code: 0 })).toBe('crash');
    expect(exitKind({ state: 'exited', exit_code: 137, oom_killed: true })).toBe('oom');
  });

  it('has nothing to say of a container that runs or never ran', () => {
    expect(exitKind({ state: 'running', exit_code: null })).toBeNull();
    expect(exitKind({ state: 'paused', exit_code: null })).toBeNull();
    expect(exitKind({ state: 'created', exit_code: null })).toBeNull();
    expect(exitKind({ state: 'exited', exit_code: null })).toBeNull();
  });
});
