import { z } from 'zod';
import { CONTAINER_LIMITS, HEALTH_STATES } from '../container';
import { EXIT_LIMITS } from '../exits';
import { containerIdSchema, hostIdSchema } from './ids';

const L = CONTAINER_LIMITS;

/** One health change Docker reported (`health_status` event) before the exit. */
export const healthTransitionSchema = z.strictObject({
  /** ISO time the agent saw the event (Docker's event time). */
  at: z.string().max(L.time),
  status: z.enum(HEALTH_STATES),
});

/** One of the container's last log lines before it exited. */
export const exitLineSchema = z.strictObject({
  /** Docker's timestamp of the line. */
  ts: z.string().max(L.time),
  stream: z.enum(['stdout', 'stderr']),
  text: z.string().max(EXIT_LIMITS.lineChars),
});

/**
 * What the agent records when a container dies. Written by the agent of `host_id` into that
 * host's own exits stream; readers reject a record naming another host than its stream's.
 */
export const exitRecordSchema = z.strictObject({
  v: z.literal(1),
  host_id: hostIdSchema,
  container_id: containerIdSchema,
  /** Name and labels at the exit, so the record is still scoped after the container is removed. */
  name: z.string().max(L.name),
  labels: z.record(z.string().max(L.labelKey), z.string().max(L.labelValue)),
  image: z.string().max(L.image),
  exit_code: z.number().int(),
  oom_killed: z.boolean(),
  /** From an exit code above 128 (128 + signal number); null otherwise. */
  signal: z
    .strictObject({ number: z.number().int().min(1).max(64), name: z.string().max(16) })
    .nullable(),
  /** Docker's State.FinishedAt. */
  finished_at: z.string().max(L.time),
  /**
   * Docker's RestartCount at the exit: the restarts its restart policy decided on, counting the
   * one it decides on at this exit (the first crash of a `--restart=always` container reads 1).
   */
  restart_count: z.number().int().min(0),
  /** The newest health transitions the agent saw before the exit, oldest first. */
  health: z.array(healthTransitionSchema).max(EXIT_LIMITS.healthTransitions),
  /** The last log lines, oldest first. */
  lines: z.array(exitLineSchema).max(EXIT_LIMITS.lines),
  /** Why `lines` may be incomplete (Docker could not be read); absent when read fully. */
  lines_error: z.string().max(256).optional(),
});
export type ExitRecord = z.infer<typeof exitRecordSchema>;
