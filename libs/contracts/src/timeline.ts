import type { AuditKind } from './audit';
import type { HealthState } from './container';

/**
 * What a point on the fleet timeline stands for. Container points are derived from the state
 * changes in each host's event stream; `action` points come from the audit trail; host points
 * from host events (a clean shutdown) and the agent's start time.
 */
export const TIMELINE_KINDS = [
  'create',
  'start',
  'die',
  'oom',
  'pause',
  'unpause',
  'destroy',
  'health',
  'action',
  'host_online',
  'host_offline',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** One point on the fleet timeline (`GET /api/timeline`). */
export interface TimelineEntry {
  /** Unique and stable: `<host>/<event id>`, `audit/<entry id>` or `<host>/online/<ms>`. */
  id: string;
  /** ISO time (the bus's time of the event or record). */
  at: string;
  kind: TimelineKind;
  host_id: string;
  container_id?: string;
  container_name?: string;
  /** The container's compose project, when it has one. */
  project?: string;
  /** `die`, `oom`: the exit code Docker reported. */
  exit_code?: number | null;
  /** `health`: the new health state. */
  health?: HealthState;
  /** `action`: who did what, and whether it worked. */
  user?: string;
  action?: AuditKind;
  ok?: boolean;
  error?: string | null;
}

/** The answer of `GET /api/timeline`: newest first. */
export interface TimelinePage {
  entries: TimelineEntry[];
  since: string;
  until: string;
  /** More entries than `limit` fell in the window: the oldest were left out. */
  truncated: boolean;
  /**
   * From this time on every host in scope still holds all its events (each host keeps only its
   * newest `STREAM_CAPS.events`); null when no host holds any.
   */
  complete_from: string | null;
}

export const TIMELINE_LIMITS = {
  defaultLimit: 500,
  maxLimit: 5_000,
  /** Window when `since` is not given. */
  defaultWindowMs: 24 * 60 * 60 * 1_000,
} as const;
