import { z } from 'zod';
import { AUDIT_KINDS, type AuditEvent } from '../audit';

/** An audit record as read back from the audit stream, which only gateways write. */
export const auditEventSchema: z.ZodType<AuditEvent> = z.object({
  id: z.string().optional(),
  kind: z.enum(AUDIT_KINDS),
  user: z.string(),
  at: z.string(),
  ok: z.boolean(),
  error: z.string().nullable(),
  host_id: z.string().optional(),
  container_id: z.string().optional(),
  container_name: z.string().optional(),
  ip: z.string().optional(),
  count: z.number().int().positive().optional(),
  since: z.string().optional(),
  rule_id: z.string().optional(),
  pin_id: z.string().optional(),
});
