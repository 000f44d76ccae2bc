import { z } from 'zod';
import { containerIdSchema, hostIdSchema } from './ids';

export const CONTAINER_STATES = [
  'created',
  'running',
  'paused',
  'restarting',
  'exited',
  'dead',
  'removed',
] as const;
export type ContainerState = (typeof CONTAINER_STATES)[number];

export const HEALTH_STATES = ['none', 'starting', 'healthy', 'unhealthy'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export const portSchema = z.object({
  private_port: z.number().int().min(0).max(65535),
  public_port: z.number().int().min(0).max(65535).nullable(),
  type: z.enum(['tcp', 'udp', 'sctp']),
  ip: z.string().max(64).nullable(),
});
export type Port = z.infer<typeof portSchema>;

/**
 * One container on one host, as every client sees it. `revision` grows with every change the
 * agent publishes, so a client keeps the newest whatever order deliveries arrive in.
 */
export const containerSchema = z.object({
  container_id: containerIdSchema,
  host_id: hostIdSchema,
  name: z.string().max(256),
  image: z.string().max(512),
  state: z.enum(CONTAINER_STATES),
  status: z.string().max(256),
  created: z.string().max(64),
  started_at: z.string().max(64).nullable(),
  finished_at: z.string().max(64).nullable(),
  exit_code: z.number().int().nullable(),
  labels: z.record(z.string().max(256), z.string().max(4096)),
  ports: z.array(portSchema).max(1024),
  health: z.enum(HEALTH_STATES),
  tty: z.boolean(),
  revision: z.number().int().positive(),
});
export type Container = z.infer<typeof containerSchema>;

/** Is `next` newer than `current`? Clients and gateways keep only newer states. */
export function isNewer(
  next: Pick<Container, 'revision'>,
  current?: Pick<Container, 'revision'>,
): boolean {
  return current === undefined || next.revision > current.revision;
}
