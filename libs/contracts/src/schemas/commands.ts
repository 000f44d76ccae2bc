import { z } from 'zod';
import { COMMAND_ERROR_CODES, CONTAINER_ACTIONS } from '../commands';
import { containerIdSchema, hostIdSchema } from './ids';

/** Gateway → agent, on the host's command stream. */
export const commandRequestSchema = z.object({
  v: z.literal(1),
  request_id: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
  host_id: hostIdSchema,
  container_id: containerIdSchema,
  action: z.enum(CONTAINER_ACTIONS),
  requested_by: z.string().max(128),
  /** Epoch ms after which the agent must not act (a late command is worse than none). */
  expires_at: z.number().int().positive(),
});
export type CommandRequest = z.infer<typeof commandRequestSchema>;

/** Agent → gateway, on the host's reply stream. */
export const commandReplySchema = z.object({
  v: z.literal(1),
  request_id: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
  host_id: hostIdSchema,
  container_id: containerIdSchema,
  action: z.enum(CONTAINER_ACTIONS),
  ok: z.boolean(),
  /** True when Docker said the container was already in the asked state (HTTP 304). */
  unchanged: z.boolean(),
  error: z.string().max(512).nullable(),
  code: z.enum(COMMAND_ERROR_CODES).nullable(),
  finished_at: z.string().max(64),
});
export type CommandReply = z.infer<typeof commandReplySchema>;
