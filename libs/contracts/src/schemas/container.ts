import { z } from 'zod';
import { CONTAINER_LIMITS, CONTAINER_STATES, HEALTH_STATES, clampContainer } from '../container';
import { containerIdSchema, hostIdSchema } from './ids';
import { parsePayload, type Parsed } from './validate';

export const portSchema = z.object({
  private_port: z.number().int().min(0).max(65535),
  public_port: z.number().int().min(0).max(65535).nullable(),
  type: z.enum(['tcp', 'udp', 'sctp']),
  ip: z.string().max(CONTAINER_LIMITS.portIp).nullable(),
});
export type Port = z.infer<typeof portSchema>;

const L = CONTAINER_LIMITS;

/**
 * One container on one host, as every client sees it. `revision` grows with every change the
 * agent publishes, so a client keeps the newest whatever order deliveries arrive in.
 */
export const containerSchema = z.object({
  container_id: containerIdSchema,
  host_id: hostIdSchema,
  name: z.string().max(L.name),
  image: z.string().max(L.image),
  state: z.enum(CONTAINER_STATES),
  status: z.string().max(L.status),
  created: z.string().max(L.time),
  started_at: z.string().max(L.time).nullable(),
  finished_at: z.string().max(L.time).nullable(),
  exit_code: z.number().int().nullable(),
  /** Docker killed it for running out of memory (State.OOMKilled); absent from older agents. */
  oom_killed: z.boolean().optional(),
  labels: z.record(z.string().max(L.labelKey), z.string().max(L.labelValue)),
  ports: z.array(portSchema).max(L.ports),
  health: z.enum(HEALTH_STATES),
  tty: z.boolean(),
  revision: z.number().int().positive(),
  /**
   * Set when a field was over its limit and was cut (a label value, the port list) or left out
   * (a label whose name is too long): what is shown is not all Docker holds.
   */
  truncated: z.literal(true).optional(),
});
export type Container = z.infer<typeof containerSchema>;

/** The container schema without the length limits clampContainer enforces. */
const unlimitedContainerSchema = containerSchema.extend({
  name: z.string(),
  image: z.string(),
  status: z.string(),
  created: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  ports: z.array(portSchema.extend({ ip: z.string().nullable() })),
});

/**
 * Validates a container read from the bus: as it is when it fits the schema, else clamped and
 * marked `truncated` when only lengths were wrong, else the first problem.
 */
export function parseContainer(input: unknown): Parsed<Container> {
  const strict = parsePayload(containerSchema, input);
  if (strict.ok) return strict;
  const unlimited = parsePayload(unlimitedContainerSchema, input);
  if (!unlimited.ok) return strict;
  return parsePayload(containerSchema, clampContainer(unlimited.value));
}
