import { z } from 'zod';
import { PIN_LIMITS, type Pin } from '../pins';
import { logTimeSchema } from './client-payloads';
import { containerIdSchema, containerRefSchema, hostIdSchema } from './ids';

const utf8 = new TextEncoder();

const noteSchema = z
  .string()
  .trim()
  .min(1, 'note is empty')
  .max(PIN_LIMITS.noteChars, `note is longer than ${PIN_LIMITS.noteChars} characters`);

const lineSchema = z
  .string()
  .max(PIN_LIMITS.lineBytes, `line is longer than ${PIN_LIMITS.lineBytes} bytes`)
  .refine(
    (s) => utf8.encode(s).length <= PIN_LIMITS.lineBytes,
    `line is longer than ${PIN_LIMITS.lineBytes} bytes`,
  );

/** `pin_line`: pin one line of a container (the line as the page shows it) with a note. */
export const pinLineSchema = z.strictObject({
  host_id: hostIdSchema,
  container_id: containerRefSchema,
  ts: logTimeSchema,
  line_no: z.number().int().min(0).optional(),
  line: lineSchema,
  note: noteSchema,
});
export type PinLinePayload = z.infer<typeof pinLineSchema>;

/** `unpin`: remove one pin of a container. */
export const unpinSchema = z.strictObject({
  host_id: hostIdSchema,
  container_id: containerRefSchema,
  pin_id: z.uuid('pin_id must be a pin id'),
});
export type UnpinPayload = z.infer<typeof unpinSchema>;

/** A pin as read back from the bus (gateways write it; what Redis holds is checked all the same). */
export const pinSchema: z.ZodType<Pin> = z.strictObject({
  id: z.uuid(),
  host_id: hostIdSchema,
  container_id: containerIdSchema,
  ts: logTimeSchema,
  line_no: z.number().int().min(0).optional(),
  line: lineSchema,
  note: noteSchema,
  user: z.string().min(1).max(128),
  created_at: z.string().max(40),
});
