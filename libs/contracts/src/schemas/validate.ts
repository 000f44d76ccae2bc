import type { z } from 'zod';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Validates untrusted input against a schema and returns either the value or one readable line
 * naming the first problem (field path and what was wrong), never a stack or a dump of the input.
 */
export function parsePayload<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.infer<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { ok: false, error: `${where}${issue?.message ?? 'invalid payload'}` };
}

/** Parses JSON text then validates it; malformed JSON is a validation error like any other. */
export function parseJson<S extends z.ZodType>(schema: S, text: string): Parsed<z.infer<S>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not valid JSON' };
  }
  return parsePayload(schema, value);
}
