/** What makes an alert rule fire (see `alertRuleSchema`). */
export const ALERT_TRIGGER_KINDS = [
  'exit_nonzero',
  'oom_killed',
  'crash_loop',
  'unhealthy',
  'host_offline',
  'log_match',
] as const;
export type AlertTriggerKind = (typeof ALERT_TRIGGER_KINDS)[number];

export const ALERT_FIRING_STATUSES = ['delivered', 'failed'] as const;
export type AlertFiringStatus = (typeof ALERT_FIRING_STATUSES)[number];

/** Bounds of what an admin may set in a rule. */
export const ALERT_LIMITS = {
  rules: 500,
  name: 120,
  glob: 256,
  label: 512,
  url: 2_048,
  /** Longest log-line pattern (RE2 syntax: matched in linear time). */
  pattern: 512,
  /** Longest cooldown: one day. */
  cooldownSeconds: 86_400,
  crashLoopExits: 100,
  crashLoopWindowSeconds: 86_400,
  /** Firings `GET /api/alert-firings` returns at most. */
  firingsList: 1_000,
} as const;

/** Stream entries of the firing history keep their record as JSON in this one field. */
export const ALERT_FIRING_FIELD = 'd';
