import { humanDuration } from '@flotilla/contracts';
import type { DockerInspect } from '../docker/docker-inspect';

/** Docker's zero time: a container that never started or never finished carries it. */
export function isZeroTime(iso: string | null | undefined): boolean {
  return !iso || iso.startsWith('0001-01-01');
}

/**
 * The status text `docker ps` shows ("Up 3 seconds", "Exited (0) 2 seconds ago", …), composed
 * from the inspected state exactly as Docker's `State.String()` does.
 */
export function statusText(state: DockerInspect['State'], now: number = Date.now()): string {
  const since = (iso: string): number => Math.max(0, now - Date.parse(iso));
  if (state.Running) {
    if (state.Paused) return `Up ${humanDuration(since(state.StartedAt))} (Paused)`;
    if (state.Restarting)
      return `Restarting (${state.ExitCode}) ${humanDuration(since(state.FinishedAt))} ago`;
    const health = state.Health?.Status;
    if (health && health !== 'none') {
      return `Up ${humanDuration(since(state.StartedAt))} (${health === 'starting' ? 'health: starting' : health})`;
    }
    return `Up ${humanDuration(since(state.StartedAt))}`;
  }
  if (state.RemovalInProgress || state.Status === 'removing') return 'Removal In Progress';
  if (state.Dead) return 'Dead';
  if (isZeroTime(state.StartedAt)) return 'Created';
  if (isZeroTime(state.FinishedAt)) return '';
  return `Exited (${state.ExitCode}) ${humanDuration(since(state.FinishedAt))} ago`;
}
