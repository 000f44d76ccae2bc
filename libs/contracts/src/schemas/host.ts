import { z } from 'zod';
import { hostIdSchema } from './ids';

/** What an agent publishes about its host. */
export const hostInfoSchema = z.object({
  host_id: hostIdSchema,
  labels: z.record(z.string().max(256), z.string().max(1024)),
  agent_version: z.string().max(64),
  started_at: z.string().max(64),
  engine: z.object({
    reachable: z.boolean(),
    version: z.string().max(64).nullable(),
    /** Which engine the agent talks to (socket path or tcp address) and why it cannot, if so. */
    address: z.string().max(512),
    error: z.string().max(512).nullable(),
  }),
});
export type HostInfo = z.infer<typeof hostInfoSchema>;

/** A host as clients see it: its info plus whether its heartbeat is alive. */
export const hostStatusSchema = hostInfoSchema.extend({
  online: z.boolean(),
  last_seen: z.string().max(64).nullable(),
});
export type HostStatus = z.infer<typeof hostStatusSchema>;
