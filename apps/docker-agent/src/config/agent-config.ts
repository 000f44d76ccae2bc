import { hostname } from 'node:os';
import { z } from 'zod';
import { HOST_ID, STREAM_CAPS } from '@flotilla/contracts';
import { ConfigError, parseLogLevel, type LogLevel } from '@flotilla/logging';
import { REDIS_URL_FORMS, redisModeSchema, redisUrlProblem, type RedisMode } from '@flotilla/bus';

/** Where the Docker engine listens: a unix socket path or a tcp host and port. */
export type DockerAddress =
  | { kind: 'unix'; socketPath: string; display: string }
  | { kind: 'tcp'; host: string; port: number; display: string };

/** The agent's whole configuration, read once at start; nothing else reads `process.env`. */
export interface AgentConfig {
  /** Redis URL of the fleet bus; null in standalone mode (the caller hands the agent a bus). */
  redisUrl: string | null;
  /** How `redisUrl` reaches Redis (`REDIS_MODE`); `single` when absent. */
  redisMode?: RedisMode;
  standalone: boolean;
  docker: DockerAddress;
  hostId: string;
  hostLabels: Record<string, string>;
  allowRemove: boolean;
  logLevel: LogLevel;
  retention: RetentionConfig;
}

/** How much of the host's logs and stats Redis keeps. */
export interface RetentionConfig {
  /** Bytes one container's log stream (and, apart, its stats stream) may hold. */
  containerBytes: number;
  /** Bytes all of the host's log and stats streams may hold together. */
  hostBytes: number;
  /** How long a removed container's log and stats are kept before they are deleted. */
  removedGraceMs: number;
}

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** What `--help` prints: every variable the agent reads. */
export const CONFIG_HELP = `Flotilla docker agent: publishes one Docker host's containers, state changes, logs and stats.

Usage: npm run start:agent   (after npm run build:agent)

Environment:
  REDIS_MODE          How REDIS_URL reaches Redis, and the form it then takes:
                        single (default): one server, ${REDIS_URL_FORMS.single}
                        cluster: a Redis Cluster, ${REDIS_URL_FORMS.cluster}
                        sentinel: a master found through Sentinels, ${REDIS_URL_FORMS.sentinel}
  REDIS_URL           Redis of the fleet bus, e.g. redis://localhost:6379 (required unless FLOTILLA_STANDALONE)
  FLOTILLA_STANDALONE Set to 1 to run without Redis, over an in-process bus
  DOCKER_HOST         Docker engine: unix:///path/to/docker.sock or tcp://host:port
                      (default unix://${DEFAULT_DOCKER_SOCKET})
  HOST_ID             This host's id in the fleet: letters, digits, ".", "_", "-", at most 63
                      (default: the machine's hostname)
  HOST_LABELS         Labels shown with the host: k=v,k2=v2
  AGENT_ALLOW_REMOVE  true to let viewers remove containers (default false)
  LOG_LEVEL           error | warn | log | debug | verbose (default log)
  RETENTION_CONTAINER_BYTES  Bytes of log kept per container in Redis, e.g. 16MiB (default 16MiB);
                      the stats stream has the same cap apart
  RETENTION_HOST_BYTES       Bytes of logs and stats kept for the whole host (default 256MiB)
  RETENTION_REMOVED_GRACE_S  Seconds a removed container's logs and stats are kept (default 3600)
`;

const truthy = ['1', 'true', 'yes', 'on'];
const falsy = ['0', 'false', 'no', 'off', ''];

const booleanFlag = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const v = (value ?? '').trim().toLowerCase();
      if (truthy.includes(v)) return true;
      if (falsy.includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be true or false, got "${value}"` });
      return z.NEVER;
    });

const dockerHost = z
  .string()
  .optional()
  .transform((value, ctx): DockerAddress => {
    const raw = (value ?? '').trim();
    if (raw === '')
      return {
        kind: 'unix',
        socketPath: DEFAULT_DOCKER_SOCKET,
        display: `unix://${DEFAULT_DOCKER_SOCKET}`,
      };
    if (raw.startsWith('unix://')) {
      const socketPath = raw.slice('unix://'.length);
      if (socketPath.startsWith('/')) return { kind: 'unix', socketPath, display: raw };
    } else if (raw.startsWith('tcp://')) {
      const match = /^tcp:\/\/([^:/\s]+|\[[0-9a-fA-F:]+\]):(\d{1,5})\/?$/.exec(raw);
      const port = match ? Number(match[2]) : NaN;
      if (match && port > 0 && port < 65536)
        return { kind: 'tcp', host: match[1].replace(/^\[|\]$/g, ''), port, display: raw };
    }
    ctx.addIssue({
      code: 'custom',
      message: `DOCKER_HOST must look like unix:///var/run/docker.sock or tcp://host:2375, got "${raw}"`,
    });
    return z.NEVER;
  });

const UNITS: Record<string, number> = { '': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** A byte count: digits with an optional KiB, MiB or GiB. */
const byteSize = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const raw = (value ?? '').trim();
      if (raw === '') return fallback;
      const match = /^(\d+)\s*([a-z]*)$/i.exec(raw);
      const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
      const bytes = match && unit ? Number(match[1]) * unit : NaN;
      if (Number.isSafeInteger(bytes) && bytes >= 1024) return bytes;
      ctx.addIssue({
        code: 'custom',
        message: `${name} must be a size of at least 1024 bytes such as 16MiB, got "${raw}"`,
      });
      return z.NEVER;
    });

const seconds = (name: string, fallbackMs: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const raw = (value ?? '').trim();
      if (raw === '') return fallbackMs;
      const s = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
      if (Number.isFinite(s)) return Math.round(s * 1_000);
      ctx.addIssue({
        code: 'custom',
        message: `${name} must be a number of seconds, got "${raw}"`,
      });
      return z.NEVER;
    });

const hostLabels = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const labels: Record<string, string> = {};
    for (const pair of (value ?? '').split(',')) {
      if (pair.trim() === '') continue;
      const eq = pair.indexOf('=');
      const key = eq > 0 ? pair.slice(0, eq).trim() : '';
      if (key === '' || key.length > 256 || pair.length - eq - 1 > 1024) {
        ctx.addIssue({
          code: 'custom',
          message: `HOST_LABELS must look like k=v,k2=v2, got "${pair}"`,
        });
        return z.NEVER;
      }
      labels[key] = pair.slice(eq + 1).trim();
    }
    return labels;
  });

const envSchema = z
  .object({
    REDIS_MODE: redisModeSchema,
    REDIS_URL: z
      .string()
      .optional()
      .transform((v) => (v && v.trim() !== '' ? v.trim() : null)),
    FLOTILLA_STANDALONE: booleanFlag('FLOTILLA_STANDALONE'),
    DOCKER_HOST: dockerHost,
    HOST_ID: z
      .string()
      .optional()
      .transform((v) => (v && v.trim() !== '' ? v.trim() : hostname()))
      .refine((v) => HOST_ID.test(v), {
        message:
          'HOST_ID may hold only letters, digits, ".", "_" and "-" (at most 63, starting with a letter or digit)',
      }),
    HOST_LABELS: hostLabels,
    AGENT_ALLOW_REMOVE: booleanFlag('AGENT_ALLOW_REMOVE'),
    RETENTION_CONTAINER_BYTES: byteSize('RETENTION_CONTAINER_BYTES', STREAM_CAPS.containerBytes),
    RETENTION_HOST_BYTES: byteSize('RETENTION_HOST_BYTES', STREAM_CAPS.hostBytes),
    RETENTION_REMOVED_GRACE_S: seconds('RETENTION_REMOVED_GRACE_S', STREAM_CAPS.removedGraceMs),
  })
  .superRefine((env, ctx) => {
    const redisProblem = redisUrlProblem(env.REDIS_MODE, env.REDIS_URL);
    if (redisProblem !== null) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: redisProblem });
    }
    if (env.RETENTION_HOST_BYTES < env.RETENTION_CONTAINER_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['RETENTION_HOST_BYTES'],
        message: 'RETENTION_HOST_BYTES must be at least RETENTION_CONTAINER_BYTES',
      });
    }
    if (env.REDIS_URL === null && !env.FLOTILLA_STANDALONE) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_URL'],
        message: 'REDIS_URL is required (or set FLOTILLA_STANDALONE=1)',
      });
    }
  });

/**
 * Reads and validates the agent's configuration from an environment map. Throws a
 * `ConfigError` whose message is one readable line naming the first problem.
 */
export function loadAgentConfig(env: Record<string, string | undefined>): AgentConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    const message = issue?.message ?? 'invalid configuration';
    throw new ConfigError(
      message.startsWith(String(issue?.path[0] ?? '\0')) ? message : `${where}${message}`,
    );
  }
  const e = result.data;
  return {
    redisUrl: e.REDIS_URL,
    redisMode: e.REDIS_MODE,
    standalone: e.FLOTILLA_STANDALONE,
    docker: e.DOCKER_HOST,
    hostId: e.HOST_ID,
    hostLabels: e.HOST_LABELS,
    allowRemove: e.AGENT_ALLOW_REMOVE,
    logLevel: parseLogLevel(env.LOG_LEVEL),
    retention: {
      containerBytes: e.RETENTION_CONTAINER_BYTES,
      hostBytes: e.RETENTION_HOST_BYTES,
      removedGraceMs: e.RETENTION_REMOVED_GRACE_S,
    },
  };
}
