import { z } from 'zod';
import { ALERT_FIRING_STATUSES, ALERT_LIMITS, ALERT_TRIGGER_KINDS } from '../alerts';
import { hostIdSchema } from './ids';

const L = ALERT_LIMITS;

/**
 * Webhook targets: http(s) only, no credentials in the URL (they would be shown to every admin
 * and logged). Which hosts may be reached is the admins' choice: see docs/security.md "Alerts".
 */
export const webhookUrlSchema = z
  .string()
  .max(L.url)
  .refine((text) => {
    try {
      const url = new URL(text);
      return (
        (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password
      );
    } catch {
      return false;
    }
  }, 'webhook_url must be an http(s) URL without user or password');

/** Which containers a rule looks at; every field set must match (none set: all). */
export const alertMatchSchema = z.strictObject({
  host: hostIdSchema.optional(),
  /** Container name glob: `*` any run of characters, `?` one character. */
  container: z.string().min(1).max(L.glob).optional(),
  /** `key=value`, or `key` for "has the label". */
  label: z.string().min(1).max(L.label).optional(),
  /** Compose project (`com.docker.compose.project`). */
  project: z.string().min(1).max(L.label).optional(),
});

export const alertTriggerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('exit_nonzero') }),
  z.strictObject({ kind: z.literal('oom_killed') }),
  z.strictObject({
    kind: z.literal('crash_loop'),
    exits: z.number().int().min(2).max(L.crashLoopExits),
    window_seconds: z.number().int().min(1).max(L.crashLoopWindowSeconds),
  }),
  z.strictObject({ kind: z.literal('unhealthy') }),
  z.strictObject({ kind: z.literal('host_offline') }),
  /** A log line matches `pattern` (RE2 syntax; the gateway compiles it before storing). */
  z.strictObject({ kind: z.literal('log_match'), pattern: z.string().min(1).max(L.pattern) }),
]);

/** What an admin sends to create or replace a rule. */
export const alertRuleInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(L.name),
  enabled: z.boolean().default(true),
  match: alertMatchSchema.default({}),
  trigger: alertTriggerSchema,
  webhook_url: webhookUrlSchema,
  /** No second delivery for the same rule and container (or host) within this many seconds. */
  cooldown_seconds: z.number().int().min(0).max(L.cooldownSeconds).default(300),
});
export type AlertRuleInput = z.input<typeof alertRuleInputSchema>;

export const alertRuleIdSchema = z
  .string()
  .regex(/^[a-z0-9-]{1,64}$/, 'rule id must be 1 to 64 lowercase letters, digits or "-"');

/** A stored rule (shared by every replica through the bus). */
export const alertRuleSchema = alertRuleInputSchema.extend({
  id: alertRuleIdSchema,
  updated_by: z.string().max(256),
  updated_at: z.string().max(40),
});
export type AlertRule = z.infer<typeof alertRuleSchema>;
export type AlertMatch = z.infer<typeof alertMatchSchema>;
export type AlertTrigger = z.infer<typeof alertTriggerSchema>;

/** One firing of a rule and how its delivery ended. Only gateways write these. */
export const alertFiringSchema = z.object({
  id: z.string().optional(),
  rule_id: alertRuleIdSchema,
  rule_name: z.string().max(L.name),
  kind: z.enum(ALERT_TRIGGER_KINDS),
  host_id: hostIdSchema,
  container_id: z.string().max(64).optional(),
  container_name: z.string().max(512).optional(),
  /** ISO time of the event that fired the rule. */
  at: z.string().max(40),
  /** The host's event stream entry that fired it: with the rule, what makes a firing unique. */
  event_id: z.string().max(41),
  text: z.string().max(4_096),
  status: z.enum(ALERT_FIRING_STATUSES),
  attempts: z.number().int().min(0),
  /** The receiver's last HTTP status, when it answered. */
  http_status: z.number().int().optional(),
  error: z.string().max(512).nullable(),
  delivered_at: z.string().max(40).optional(),
});
export type AlertFiring = z.infer<typeof alertFiringSchema>;
