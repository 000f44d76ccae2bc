import { z } from 'zod';
import { containerIdSchema, hostIdSchema } from './ids';

/** One resource sample, computed by the agent as the Docker CLI computes `docker stats`. */
export const statsSampleSchema = z.object({
  container_id: containerIdSchema,
  host_id: hostIdSchema,
  /** ISO time Docker read the sample. */
  read: z.string().max(64),
  cpu_percent: z.number().min(0),
  online_cpus: z.number().int().min(0),
  /** Usage less inactive file cache, as `docker stats`. */
  memory_usage: z.number().min(0),
  /** The container's memory limit; without one, Docker reports the host's total RAM here. */
  memory_limit: z.number().min(0),
  /** Usage against `memory_limit`. */
  memory_percent: z.number().min(0),
  /** Whether `memory_limit` is the container's own limit (true) or the host's RAM (false);
   *  absent from agents that do not tell. */
  memory_limited: z.boolean().optional(),
  net_rx: z.number().min(0),
  net_tx: z.number().min(0),
  block_read: z.number().min(0),
  block_write: z.number().min(0),
  pids: z.number().int().min(0),
});
export type StatsSample = z.infer<typeof statsSampleSchema>;
