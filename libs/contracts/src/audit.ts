/** What the audit trail records. */
export const AUDIT_KINDS = [
  'login',
  'login_failed',
  'logout',
  'start',
  'stop',
  'restart',
  'unpause',
  'remove',
  'alert_rule_create',
  'alert_rule_update',
  'alert_rule_delete',
  'pin',
  'unpin',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/**
 * One audit record: who did what, when, and the result. Appended to the capped audit stream
 * (`RedisKeys.audit`), pushed live to admins as `audit_event`, listed by `GET /api/audit`.
 */
export interface AuditEvent {
  /** Stream entry id (absent before it is stored). */
  id?: string;
  kind: AuditKind;
  /** The user (as claimed, for a failed login). */
  user: string;
  /** ISO time. */
  at: string;
  ok: boolean;
  /** `forbidden`, `wrong password`, the agent's error, … */
  error: string | null;
  host_id?: string;
  container_id?: string;
  /** The container's name when the action was asked for. */
  container_name?: string;
  /** The client address (login, logout). */
  ip?: string;
  /**
   * Identical refusals this record stands for (absent: one). Repeated refusals of one user,
   * action, reason and container are coalesced: the first is recorded at once, the rest in one
   * record per window with their count; `since` is the time of the first of them, `at` the last.
   */
  count?: number;
  since?: string;
  /** The alert rule a rule change is about. */
  rule_id?: string;
  /** The pin a pin or unpin record is about. */
  pin_id?: string;
}
