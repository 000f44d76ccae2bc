import {
  CONTAINER_STATES,
  containerRefSchema,
  hostIdSchema,
  parsePayload,
} from '@flotilla/contracts';
import { z } from 'zod';
import { GatewayError } from '../core/gateway-error';

export const containerQuerySchema = z.strictObject({
  host: hostIdSchema.optional(),
  state: z.enum(CONTAINER_STATES).optional(),
  name: z.string().max(256).optional(),
});

export const containerParamsSchema = z.strictObject({
  host: hostIdSchema,
  id: containerRefSchema,
});

export const REST_ACTIONS = ['start', 'stop', 'restart'] as const;
export const actionParamsSchema = containerParamsSchema.extend({ action: z.enum(REST_ACTIONS) });

/** Validates request input like the socket edge does; a bad one is a 400 `invalid_payload`. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = parsePayload(schema, input);
  if (!parsed.ok) throw new GatewayError('invalid_payload', parsed.error);
  return parsed.value;
}
