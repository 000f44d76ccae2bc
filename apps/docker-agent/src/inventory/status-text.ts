import type { DockerInspect } from '../docker/docker-inspect';

/** Docker's zero time: a container that never started or never finished carries it. */
export function isZeroTime(iso: string | null | undefined): boolean {
  return !iso || iso.startsWith('0001-01-01');
}

/** Go's `units.HumanDuration`, which the Docker CLI uses for "Up 3 seconds". */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
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
