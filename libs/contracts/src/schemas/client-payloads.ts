import { z } from 'zod';
import { CONTAINER_ACTIONS } from '../commands';
import { containerRefSchema, hostIdSchema, streamIdSchema } from './ids';
import { LIMITS } from '../protocol';

/** `start_log_stream`: the original `{container_id}` plus where to resume and how much to backfill. */
export const startLogStreamSchema = z.strictObject({
  container_id: containerRefSchema,
  host_id: hostIdSchema.optional(),
  after: streamIdSchema.optional(),
  tail: z.number().int().min(0).max(LIMITS.maxTail).optional(),
});
export type StartLogStreamPayload = z.infer<typeof startLogStreamSchema>;

export const stopLogStreamSchema = z.strictObject({
  container_id: containerRefSchema,
  host_id: hostIdSchema.optional(),
});
export type StopLogStreamPayload = z.infer<typeof stopLogStreamSchema>;

export const statsSubscriptionSchema = z.strictObject({
  container_id: containerRefSchema,
  host_id: hostIdSchema.optional(),
});
export type StatsSubscriptionPayload = z.infer<typeof statsSubscriptionSchema>;

/**
 * `subscribe` replaces the client's filter: it then receives state changes only of these hosts
 * and containers. Both lists empty (or absent) means everything, the default.
 */
export const subscribeSchema = z.strictObject({
  hosts: z.array(hostIdSchema).max(LIMITS.maxSubscriptionItems).optional(),
  containers: z.array(containerRefSchema).max(LIMITS.maxSubscriptionItems).optional(),
});
export type SubscribePayload = z.infer<typeof subscribeSchema>;

export const containerActionSchema = z.strictObject({
  container_id: containerRefSchema,
  host_id: hostIdSchema,
  action: z.enum(CONTAINER_ACTIONS),
});
export type ContainerActionRequest = z.infer<typeof containerActionSchema>;

/** `heartbeat`: the client sends its clock and reads its round-trip time from the ack. */
export const heartbeatSchema = z.strictObject({
  sent_at: z.number().finite(),
});
export type HeartbeatPayload = z.infer<typeof heartbeatSchema>;
