import { RE2JS } from 're2js';
import { z } from 'zod';
import { SEARCH_LIMITS, SEARCH_STREAMS, SEARCH_TS } from '../search';
import { containerIdSchema, hostIdSchema } from './ids';

/**
 * Why `pattern` cannot be searched with, or null. Patterns are compiled with RE2 semantics
 * (re2js: matching time is linear in the line, whatever the pattern), which has no
 * backreferences or lookaround; those are refused here rather than silently meaning something
 * else.
 */
export function searchPatternError(pattern: string): string | null {
  if (pattern.length === 0) return 'the pattern is empty';
  if (pattern.length > SEARCH_LIMITS.maxPatternLength)
    return `the pattern is longer than ${SEARCH_LIMITS.maxPatternLength} characters`;
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (error: unknown) {
    const detail = error instanceof Error ? error.message : String(error);
    return `the pattern is not a supported regular expression (RE2 syntax; no backreferences or lookaround): ${detail.slice(0, 200)}`;
  }
}

const patternSchema = z.string().superRefine((pattern, ctx) => {
  const error = searchPatternError(pattern);
  if (error) ctx.addIssue({ code: 'custom', message: error });
});

const searchIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{8,64}$/, 'search_id is 8 to 64 letters, digits or -');
const tsSchema = z.string().regex(SEARCH_TS, 'a timestamp is UTC with nine fraction digits');
const countSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Gateway → agent, on the host's search request stream. */
export const searchRequestSchema = z.object({
  v: z.literal(1),
  search_id: searchIdSchema,
  host_id: hostIdSchema,
  /** Null: every line matches (a history read of a log viewer, not a search). */
  pattern: patternSchema.nullable(),
  /** Exactly the containers to read: the gateway resolved them within the user's scope. */
  container_ids: z.array(containerIdSchema).min(1).max(SEARCH_LIMITS.maxContainersPerRequest),
  since: tsSchema.nullable(),
  until: tsSchema.nullable(),
  limit: z.number().int().min(1).max(SEARCH_LIMITS.maxLimit),
  /**
   * Keep only the last `last` matching lines before `until` (read in a ring of that size, so
   * memory stays bounded), sent once the read ends: a page of earlier lines. With `last`, the
   * request names one container.
   */
  last: z.number().int().min(1).max(SEARCH_LIMITS.maxLimit).optional(),
  requested_by: z.string().max(128),
});
export type SearchRequest = z.infer<typeof searchRequestSchema>;

const recordBase = { v: z.literal(1), search_id: searchIdSchema, host_id: hostIdSchema };

export const hostMatchSchema = z.object({
  container_id: containerIdSchema,
  container_name: z.string().max(256),
  ts: tsSchema,
  stream: z.enum(SEARCH_STREAMS),
  line: z.string().max(SEARCH_LIMITS.maxLineChars),
});
export type HostMatch = z.infer<typeof hostMatchSchema>;

/**
 * Agent → gateway, on the search's result stream: match batches (in time order within the
 * host), progress (the host has read everything up to `scanned_to`), then done or error.
 */
export const searchRecordSchema = z.discriminatedUnion('kind', [
  z.object({
    ...recordBase,
    kind: z.literal('matches'),
    matches: z.array(hostMatchSchema).min(1).max(SEARCH_LIMITS.batchMatches),
  }),
  z.object({
    ...recordBase,
    kind: z.literal('progress'),
    containers_scanned: countSchema,
    bytes_scanned: countSchema,
    scanned_to: tsSchema.nullable(),
  }),
  z.object({
    ...recordBase,
    kind: z.literal('done'),
    containers_scanned: countSchema,
    bytes_scanned: countSchema,
  }),
  z.object({ ...recordBase, kind: z.literal('error'), error: z.string().max(512) }),
]);
export type SearchRecord = z.infer<typeof searchRecordSchema>;

const isoSchema = z
  .string()
  .max(40)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO 8601 time');

/** `search_logs` (and `GET /api/search`'s query): what to look for, where, and how much. */
export const searchQuerySchema = z.strictObject({
  q: z.string().max(SEARCH_LIMITS.maxPatternLength * 2),
  host: hostIdSchema.optional(),
  /** Container id (or a prefix of 12+ hex digits) or name. */
  container: z.string().min(1).max(256).optional(),
  /** `key=value` or `key`. */
  label: z.string().min(1).max(512).optional(),
  /** Compose project (`com.docker.compose.project`). */
  project: z.string().min(1).max(256).optional(),
  since: isoSchema.optional(),
  until: isoSchema.optional(),
  limit: z.coerce.number().int().min(1).max(SEARCH_LIMITS.maxLimit).optional(),
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;

/** `search_logs`: the query of `GET /api/search` plus the id the client names the search by. */
export const searchLogsSchema = searchQuerySchema.extend({ search_id: searchIdSchema });
export type SearchLogsPayload = z.infer<typeof searchLogsSchema>;

/** `search_cancel`: ends the search (every search of the socket without an id). */
export const searchCancelSchema = z.strictObject({ search_id: searchIdSchema.optional() });
export type SearchCancelPayload = z.infer<typeof searchCancelSchema>;
