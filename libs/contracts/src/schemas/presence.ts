import { z } from 'zod';
import { composeProjectSchema } from './client-payloads';
import { containerIdSchema, containerRefSchema, hostIdSchema } from './ids';

/** `watch`: what the page now shows (null: nothing watched; the socket still gets counts). */
export const watchSchema = z.strictObject({
  target: z
    .discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('container'),
        host_id: hostIdSchema,
        container_id: containerRefSchema,
      }),
      z.strictObject({ kind: z.literal('stack'), project: composeProjectSchema }),
    ])
    .nullable(),
});
export type WatchPayload = z.infer<typeof watchSchema>;

const storedTargetSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('container'),
    host_id: hostIdSchema,
    container_id: containerIdSchema,
  }),
  z.strictObject({ kind: z.literal('stack'), project: composeProjectSchema }),
]);

/**
 * A replica's presence record on the bus: its watched targets, each with the users (null:
 * anonymous) and how many of the replica's sockets each has there. `expires_at` is bus time.
 */
export const presenceRecordSchema = z.strictObject({
  expires_at: z.number().int().nonnegative(),
  targets: z
    .array(
      z.strictObject({
        target: storedTargetSchema,
        viewers: z
          .array(
            z.strictObject({
              user: z.string().min(1).max(128).nullable(),
              sockets: z.number().int().positive(),
            }),
          )
          .max(100_000),
      }),
    )
    .max(100_000),
});
export type PresenceRecord = z.infer<typeof presenceRecordSchema>;
