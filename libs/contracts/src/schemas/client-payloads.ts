import { z } from 'zod';
import { CONTAINER_ACTIONS } from '../commands';
import { containerRefSchema, hostIdSchema, streamIdSchema } from './ids';
import { LIMITS } from '../protocol';
import { dockerTime } from '../logs';

/** An RFC 3339 time (Docker's, with nanoseconds, is accepted); compare it after `dockerTime`. */
export const logTimeSchema = z
  .string()
  .max(40, 'a time is at most 40 characters')
  .refine(
    (s) => dockerTime(s) !== null,
    'a time is RFC 3339, e.g. "2026-01-02T03:04:05.123456789Z"',
  );

/**
 * `start_log_stream`: the original `{container_id}` plus where to resume and how much to
 * backfill, or the time to start from (`since`: every line from then on, then live).
 */
export const startLogStreamSchema = z
  .strictObject({
    container_id: containerRefSchema,
    host_id: hostIdSchema.optional(),
    after: streamIdSchema.optional(),
    tail: z.number().int().min(0).max(LIMITS.maxTail).optional(),
    since: logTimeSchema.optional(),
  })
  .refine((p) => p.since === undefined || p.after === undefined, {
    message: 'since and after cannot be combined: a stream starts at a time or after an entry',
    path: ['since'],
  });
export type StartLogStreamPayload = z.infer<typeof startLogStreamSchema>;

/**
 * `load_earlier`: the `limit` lines just before `before` (the earliest line the client holds),
 * from the retained stream, then from Docker's log. It leaves the live follow alone.
 */
export const loadEarlierSchema = z.strictObject({
  container_id: containerRefSchema,
  host_id: hostIdSchema.optional(),
  before: z.strictObject({ ts: logTimeSchema, entry: streamIdSchema.optional() }),
  limit: z.number().int().min(1).max(LIMITS.maxEarlierLines).optional(),
});
export type LoadEarlierPayload = z.infer<typeof loadEarlierSchema>;

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
 * A compose project's name (`com.docker.compose.project`) in a view, `subscribe` or `watch`: any
 * text a label value may hold except control characters, so a project an agent reports can
 * always be named.
 */
export const composeProjectSchema = z
  .string()
  .min(1, 'a project name is not empty')
  .max(LIMITS.maxProjectName, `a project name is at most ${LIMITS.maxProjectName} characters`)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'a project name holds no control characters');

/**
 * `subscribe` replaces the client's filter: it then receives state changes only of these hosts,
 * containers and compose projects (every container of the project, on every host, now and
 * later). All lists empty (or absent) means everything, the default.
 */
export const subscribeSchema = z.strictObject({
  hosts: z.array(hostIdSchema).max(LIMITS.maxSubscriptionItems).optional(),
  containers: z.array(containerRefSchema).max(LIMITS.maxSubscriptionItems).optional(),
  projects: z.array(composeProjectSchema).max(LIMITS.maxSubscriptionProjects).optional(),
});
export type SubscribePayload = z.infer<typeof subscribeSchema>;

/**
 * A dashboard's view, given at connect (Socket.IO handshake `auth.view`): `initial_state` then
 * carries every host and its counts but only the containers of these hosts and containers, and
 * later `counts_update`s keep the counts exact. Without it, the seed's `initial_state` (every
 * container) and the `subscribe` filter as before.
 *
 * `up_to`: "everything if I may see at most this many containers". When the containers the user
 * may see number no more than `up_to` and the gateway's own line (`FLEET_VIEW_LINE`), the socket
 * gets every one of them as without a view (no `partial`), and every later change; above the
 * line, the view's hosts, containers and compose projects only. Decided once, at connect.
 */
export const fleetViewSchema = z.strictObject({
  counts: z.literal(true),
  up_to: z.number().int().min(0).max(1_000_000).optional(),
  hosts: z.array(hostIdSchema).max(LIMITS.maxSubscriptionItems).optional(),
  containers: z.array(containerRefSchema).max(LIMITS.maxSubscriptionItems).optional(),
  projects: z.array(composeProjectSchema).max(LIMITS.maxSubscriptionProjects).optional(),
});
export type FleetView = z.infer<typeof fleetViewSchema>;

/**
 * `find_containers`: the containers the user may see whose name, image or compose project holds
 * `q` (any case), or whose id starts with it; read-only, the socket's view is unchanged.
 */
export const findContainersSchema = z.strictObject({
  q: z
    .string()
    .min(1, 'q is not empty')
    .max(LIMITS.maxFindQuery, `q is at most ${LIMITS.maxFindQuery} characters`),
  limit: z.number().int().min(1).max(LIMITS.maxFindResults).optional(),
});
export type FindContainersPayload = z.infer<typeof findContainersSchema>;

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
