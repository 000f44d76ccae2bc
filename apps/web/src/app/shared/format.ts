/** Small formatters; no locale data is loaded, so they are written out. */
import { type Container, humanDuration } from '@flotilla/contracts/core';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `14:03:07` */
export function formatClock(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A Docker timestamp in local time: `2024-05-01 14:03:07.123`. */
export function formatLogTimestamp(timestamp: string | null): string {
  if (!timestamp) return '';
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) return timestamp;
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  );
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(1)}%`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function shortId(id: string): string {
  return id.slice(0, 12);
}

/** The fields a container's status is written from. */
export type StatusFields = Pick<
  Container,
  'state' | 'status' | 'started_at' | 'finished_at' | 'exit_code' | 'health'
>;

/**
 * The status `docker ps` would show at `now` ("Up 14 minutes", "Exited (137) 6 minutes ago",
 * "Up 2 hours (Paused)"), written from the container's times as Docker's `State.String()` does,
 * so it keeps ageing; the agent's `status` text was true only when the change was published.
 * Falls back to that text when a time it needs is missing or unreadable.
 */
export function containerStatus(c: StatusFields, now: number): string {
  const age = (iso: string | null): string | null => {
    const at = iso === null ? Number.NaN : Date.parse(iso);
    // A host clock ahead of the browser's would make ages negative: "Less than a second".
    return Number.isNaN(at) ? null : humanDuration(Math.max(0, now - at));
  };
  switch (c.state) {
    case 'running': {
      const up = age(c.started_at);
      if (up === null) return c.status;
      if (c.health === 'starting') return `Up ${up} (health: starting)`;
      return c.health === 'none' ? `Up ${up}` : `Up ${up} (${c.health})`;
    }
    case 'paused': {
      const up = age(c.started_at);
      return up === null ? c.status : `Up ${up} (Paused)`;
    }
    case 'restarting': {
      const ago = age(c.finished_at);
      return ago === null ? c.status : `Restarting (${c.exit_code ?? 0}) ${ago} ago`;
    }
    case 'exited': {
      const ago = age(c.finished_at);
      return ago === null ? c.status : `Exited (${c.exit_code ?? 0}) ${ago} ago`;
    }
    case 'created':
      return 'Created';
    case 'dead':
      return 'Dead';
    case 'removed':
      return 'Removed';
  }
}

/**
 * How a container that is not running ended: `clean` (exit 0), `crash` (non-zero exit, or dead),
 * `oom` (killed by Docker for lack of memory); null while it runs or never ran.
 */
export type ExitKind = 'clean' | 'crash' | 'oom';

export function exitKind(
  c: Pick<Container, 'state' | 'exit_code' | 'oom_killed'>,
): ExitKind | null {
  if (c.state !== 'exited' && c.state !== 'dead' && c.state !== 'restarting') return null;
  if (c.oom_killed) return 'oom';
  if (c.state === 'dead' || (c.exit_code !== null && c.exit_code !== 0)) return 'crash';
  return c.exit_code === 0 ? 'clean' : null;
}
