import type { DockerInspect } from '../docker/docker-inspect';
import { statusText } from './status-text';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();
const ZERO = '0001-01-01T00:00:00Z';

function state(patch: Partial<DockerInspect['State']>): DockerInspect['State'] {
  return {
    Status: 'running',
    Running: false,
    Paused: false,
    Restarting: false,
    Dead: false,
    ExitCode: 0,
    StartedAt: ZERO,
    FinishedAt: ZERO,
    ...patch,
  };
}

describe('statusText (Docker State.String)', () => {
  it('running', () => {
    expect(statusText(state({ Running: true, StartedAt: ago(3_000) }), NOW)).toBe('Up 3 seconds');
  });
  it('running with a health check', () => {
    expect(
      statusText(
        state({ Running: true, StartedAt: ago(3_000), Health: { Status: 'starting' } }),
        NOW,
      ),
    ).toBe('Up 3 seconds (health: starting)');
    expect(
      statusText(
        state({ Running: true, StartedAt: ago(120_000), Health: { Status: 'healthy' } }),
        NOW,
      ),
    ).toBe('Up 2 minutes (healthy)');
    expect(
      statusText(
        state({ Running: true, StartedAt: ago(5_000), Health: { Status: 'unhealthy' } }),
        NOW,
      ),
    ).toBe('Up 5 seconds (unhealthy)');
  });
  it('paused', () => {
    expect(statusText(state({ Running: true, Paused: true, StartedAt: ago(10_000) }), NOW)).toBe(
      'Up 10 seconds (Paused)',
    );
  });
  it('restarting', () => {
    expect(
      statusText(
        state({
          Running: true,
          Restarting: true,
          ExitCode: 1,
          StartedAt: ago(9_000),
          FinishedAt: ago(2_000),
        }),
        NOW,
      ),
    ).toBe('Restarting (1) 2 seconds ago');
  });
  it('exited', () => {
    expect(
      statusText(
        state({ Status: 'exited', ExitCode: 0, StartedAt: ago(9_000), FinishedAt: ago(2_000) }),
        NOW,
      ),
    ).toBe('Exited (0) 2 seconds ago');
    expect(
      statusText(
        state({
          Status: 'exited',
          ExitCode: 137,
          StartedAt: ago(9_000_000),
          FinishedAt: ago(3 * 3_600_000),
        }),
        NOW,
      ),
    ).toBe('Exited (137) 3 hours ago');
  });
  it('created, dead, removing', () => {
    expect(statusText(state({ Status: 'created' }), NOW)).toBe('Created');
    expect(statusText(state({ Status: 'dead', Dead: true, StartedAt: ago(1) }), NOW)).toBe('Dead');
    expect(
      statusText(state({ Status: 'removing', StartedAt: ago(1), FinishedAt: ago(1) }), NOW),
    ).toBe('Removal In Progress');
  });
});
