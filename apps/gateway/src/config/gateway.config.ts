import { isIP } from 'node:net';
import { z } from 'zod';
import { ConfigError, parseLogLevel, type LogLevel } from '@flotilla/logging';
import { REDIS_URL_FORMS, redisModeSchema, redisUrlProblem, type RedisMode } from '@flotilla/bus';
import { CRASH_LOOP_DEFAULTS } from '@flotilla/contracts';

export const AUTH_MODES = ['none', 'users', 'proxy'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** Which browser origins may open sockets and call the REST API. */
export type CorsPolicy =
  { kind: 'same-origin' } | { kind: 'any' } | { kind: 'list'; origins: string[] };

/** The gateway's whole configuration, read once at start; nothing else reads `process.env`. */
export interface GatewayConfig {
  port: number;
  host: string;
  /** Redis of the fleet bus; null runs standalone (in-process bus, one host). */
  redisUrl: string | null;
  /** How `redisUrl` reaches Redis (`REDIS_MODE`); `single` when absent. */
  redisMode?: RedisMode;
  /**
   * The URLs browsers reach the dashboard at (`PUBLIC_URL`); requests naming another `Host` are
   * refused. Empty: loopback names and addresses only.
   */
  publicUrls: string[];
  cors: CorsPolicy;
  authMode: AuthMode;
  /** `AUTH_MODE=users`: the users file and the session signing secret. */
  usersFile?: string;
  sessionSecret?: string;
  /**
   * users mode: the session lifetime. proxy mode: how often a socket must authenticate again
   * through the proxy (it is disconnected and reconnects).
   */
  sessionTtlMs?: number;
  /**
   * Addresses of reverse proxies: proxy mode believes their X-Forwarded-User / X-Forwarded-Groups;
   * both modes take the client's address (login rate limit, audit) from their X-Forwarded-For.
   */
  trustedProxies?: string[];
  /** When set, `/metrics` answers only `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  logLevel: LogLevel;
  /** Folder of the built web app; served when it exists. */
  webDist: string;
  /** A container is crash-looping after this many exits within this window; default 3 in 5 min. */
  crashLoop?: { exits: number; windowMs: number };
  /** Containers a dashboard is sent in full at connect, at most (`FLEET_VIEW_LINE`). */
  fleetViewLine?: number;
}

export const DEFAULT_WEB_DIST = 'dist/apps/web/browser';

/** What `--help` prints: every variable the gateway reads. */
export const CONFIG_HELP = `Flotilla gateway: Socket.IO and REST for the dashboard; run any number of replicas.

Usage: npm run start:gateway   (after npm run build:gateway)

Environment:
  PORT          Port to listen on (default 8080)
  HOST          Address to listen on (default 127.0.0.1)
  REDIS_MODE    How REDIS_URL reaches Redis, and the form it then takes:
                  single (default): one server, ${REDIS_URL_FORMS.single}
                  cluster: a Redis Cluster, ${REDIS_URL_FORMS.cluster}
                  sentinel: a master found through Sentinels, ${REDIS_URL_FORMS.sentinel}
  REDIS_URL     Redis of the fleet bus, e.g. redis://localhost:6379. Unset: standalone, one
                process serving the local Docker engine (DOCKER_HOST) over an in-process bus
  DOCKER_HOST   Standalone only: the Docker engine, unix:///path/to/docker.sock or
                tcp://host:port (default unix:///var/run/docker.sock)
  HOST_ID       Standalone only: the host's id (default: the machine's hostname)
  PUBLIC_URL    The URLs browsers use to reach the dashboard, comma-separated, such as
                https://flotilla.example.com; the gateway answers only requests and sockets
                whose Host names one of them (against DNS rebinding), and https ones get the
                __Host- session cookie. Default: loopback names and addresses only (localhost,
                127.0.0.1, [::1], any port); required when HOST is not loopback. With
                AUTH_MODE=none only loopback URLs are allowed
  CORS_ORIGINS  Browser origins allowed besides the gateway's own: a comma-separated list of
                origins such as https://dash.example.com, or * for any (default: same origin only)
  AUTH_MODE     none: every client is an anonymous admin; allowed only when HOST is a loopback
                address (default none). users: accounts in USERS_FILE, signed sessions.
                proxy: identity from X-Forwarded-User / X-Forwarded-Groups set by a
                TRUSTED_PROXIES address
  USERS_FILE    users mode: JSON file of accounts (npm run users -- add <user> --role viewer)
  SESSION_SECRET users mode: secret signing sessions, at least 32 characters (required)
  SESSION_TTL   users mode: session lifetime, e.g. 3600, 30m, 8h (default 1h). proxy mode: how
                often a socket is sent back through the proxy to authenticate again
  TRUSTED_PROXIES comma-separated addresses of reverse proxies. proxy mode: the authenticating
                proxies; users and proxy modes: their X-Forwarded-For names the client address
                (login rate limit, audit)
  METRICS_TOKEN Optional: /metrics then answers only "Authorization: Bearer <METRICS_TOKEN>"
                (at least 16 characters); unset: /metrics is open to whoever reaches the port
  LOG_LEVEL     error | warn | log | debug | verbose (default log)
  CRASH_LOOP_EXITS  A container that exits this many times within CRASH_LOOP_WINDOW is shown
                crash-looping (2 to 100, default ${CRASH_LOOP_DEFAULTS.exits})
  CRASH_LOOP_WINDOW The crash-loop window, e.g. 300, 5m, 1h (10s to 24h, default 5m)
  FLEET_VIEW_LINE A dashboard that may see at most this many containers gets all of them at
                connect; above, hosts with counts and the containers of the hosts it opens
                (1 to 1000000, default 2000)
  WEB_DIST      Folder of the built web app to serve (default ${DEFAULT_WEB_DIST}); skipped
                when it does not exist
`;

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** True for addresses only this machine can reach (an IPv6 one bare or in URL brackets). */
export function isLoopback(address: string): boolean {
  const host = /^\[.*\]$/.test(address) ? address.slice(1, -1) : address;
  if (LOOPBACK_NAMES.has(host)) return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** A comma-separated list of http(s) origins (a trailing slash allowed), canonical. */
function originList(variable: string, raw: string, ctx: z.RefinementCtx): string[] {
  const origins: string[] = [];
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    let url: URL | undefined;
    try {
      url = new URL(item);
    } catch {
      url = undefined;
    }
    if (
      !url ||
      !['http:', 'https:'].includes(url.protocol) ||
      url.origin.toLowerCase() !== item.replace(/\/$/, '').toLowerCase()
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `${variable} entries must be origins like https://dash.example.com, got "${item}"`,
      });
      return [];
    }
    origins.push(url.origin);
  }
  return origins;
}

const corsOrigins = z
  .string()
  .optional()
  .transform((value, ctx): CorsPolicy => {
    const raw = (value ?? '').trim();
    if (raw === '') return { kind: 'same-origin' };
    if (raw === '*') return { kind: 'any' };
    return { kind: 'list', origins: originList('CORS_ORIGINS', raw, ctx) };
  });

/** A whole number from `min` to `max`; blank gives `fallback`. */
function wholeNumber<F extends number | undefined>(
  variable: string,
  fallback: F,
  min: number,
  max: number,
) {
  const digits = new RegExp(`^\\d{1,${String(max).length}}$`);
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      const raw = (value ?? '').trim();
      if (raw === '') return fallback;
      const n = digits.test(raw) ? Number(raw) : NaN;
      if (!(n >= min && n <= max)) {
        ctx.addIssue({
          code: 'custom',
          message: `${variable} must be a number from ${min} to ${max}, got "${raw}"`,
        });
        return z.NEVER;
      }
      return n;
    });
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** Milliseconds of `3600` (seconds), `30m` or `8h`; NaN when it is none of those. */
function durationMs(raw: string): number {
  const match = /^(\d{1,7})(s|m|h)?$/.exec(raw);
  return match ? Number(match[1]) * UNIT_MS[(match[2] as keyof typeof UNIT_MS) ?? 's'] : NaN;
}

/** A duration in milliseconds from `range.min` to `range.max`; blank gives `fallbackMs`. */
function duration(
  variable: string,
  fallbackMs: number,
  range: { min: string; max: string; examples: string },
) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      const raw = (value ?? '').trim();
      if (raw === '') return fallbackMs;
      const ms = durationMs(raw);
      if (!(ms >= durationMs(range.min) && ms <= durationMs(range.max))) {
        ctx.addIssue({
          code: 'custom',
          message: `${variable} must be a duration from ${range.min} to ${range.max} such as ${range.examples}, got "${raw}"`,
        });
        return z.NEVER;
      }
      return ms;
    });
}

const envSchema = z
  .object({
    PORT: wholeNumber('PORT', 8080, 0, 65_535),
    HOST: z
      .string()
      .optional()
      .transform((value, ctx) => {
        const raw = (value ?? '').trim();
        if (raw === '') return '127.0.0.1';
        if (!/^[A-Za-z0-9.:_-]{1,253}$/.test(raw)) {
          ctx.addIssue({
            code: 'custom',
            message: `HOST must be an address or host name, got "${raw}"`,
          });
          return z.NEVER;
        }
        return raw;
      }),
    REDIS_MODE: redisModeSchema,
    REDIS_URL: z
      .string()
      .optional()
      .transform((v) => (v && v.trim() !== '' ? v.trim() : null)),
    PUBLIC_URL: z
      .string()
      .optional()
      .transform((value, ctx) => originList('PUBLIC_URL', value ?? '', ctx)),
    CORS_ORIGINS: corsOrigins,
    AUTH_MODE: z
      .string()
      .optional()
      .transform((value, ctx): AuthMode => {
        const raw = (value ?? '').trim() || 'none';
        if ((AUTH_MODES as readonly string[]).includes(raw)) return raw as AuthMode;
        ctx.addIssue({
          code: 'custom',
          message: `AUTH_MODE must be one of ${AUTH_MODES.join(', ')}, got "${raw}"`,
        });
        return z.NEVER;
      }),
    USERS_FILE: z
      .string()
      .optional()
      .transform((v) => (v ?? '').trim() || undefined),
    SESSION_SECRET: z.string().optional(),
    SESSION_TTL: duration('SESSION_TTL', 3_600_000, {
      min: '1s',
      max: '168h',
      examples: '3600, 30m or 8h',
    }),
    TRUSTED_PROXIES: z
      .string()
      .optional()
      .transform((value, ctx) => {
        const items = (value ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const bad = items.find((item) => isIP(item) === 0);
        if (bad !== undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `TRUSTED_PROXIES must list IP addresses, got "${bad}"`,
          });
          return z.NEVER;
        }
        return items;
      }),
    METRICS_TOKEN: z
      .string()
      .optional()
      .transform((value) => (value ?? '').trim() || undefined)
      .refine(
        (v) => v === undefined || /^[\x21-\x7e]{16,256}$/.test(v),
        'METRICS_TOKEN must be 16 to 256 printable characters without spaces (e.g. openssl rand -hex 24)',
      ),
    WEB_DIST: z
      .string()
      .optional()
      .transform((value) => (value ?? '').trim() || DEFAULT_WEB_DIST),
    CRASH_LOOP_EXITS: wholeNumber('CRASH_LOOP_EXITS', CRASH_LOOP_DEFAULTS.exits, 2, 100),
    CRASH_LOOP_WINDOW: duration('CRASH_LOOP_WINDOW', CRASH_LOOP_DEFAULTS.windowMs, {
      min: '10s',
      max: '24h',
      examples: '300, 5m or 1h',
    }),
    FLEET_VIEW_LINE: wholeNumber('FLEET_VIEW_LINE', undefined, 1, 1_000_000),
  })
  .superRefine((env, ctx) => {
    const redisProblem = redisUrlProblem(env.REDIS_MODE, env.REDIS_URL);
    if (redisProblem !== null) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: redisProblem });
    }
    if (env.AUTH_MODE === 'none' && !isLoopback(env.HOST)) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_MODE'],
        message: `AUTH_MODE=none gives every client admin rights, so it is allowed only on a loopback HOST (127.0.0.1, ::1, localhost); HOST is ${env.HOST}`,
      });
    }
    if (env.PUBLIC_URL.length === 0 && !isLoopback(env.HOST)) {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_URL'],
        message: `HOST ${env.HOST} is reachable from other machines, so set PUBLIC_URL to the URLs browsers use (e.g. https://flotilla.example.com): the gateway answers only to those names`,
      });
    }
    const foreign = env.PUBLIC_URL.find((url) => !isLoopback(new URL(url).hostname));
    if (env.AUTH_MODE === 'none' && foreign !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_URL'],
        message: `AUTH_MODE=none gives every client admin rights, so it answers only to loopback names; PUBLIC_URL names ${foreign}`,
      });
    }
    if (env.AUTH_MODE === 'users') {
      if (!env.USERS_FILE)
        ctx.addIssue({
          code: 'custom',
          message:
            'AUTH_MODE=users needs USERS_FILE (create it with npm run users -- add <user> --role admin)',
        });
      else if ((env.SESSION_SECRET ?? '').length < 32) {
        ctx.addIssue({
          code: 'custom',
          message:
            'AUTH_MODE=users needs SESSION_SECRET of at least 32 characters (e.g. openssl rand -hex 32)',
        });
      }
    }
    if (env.AUTH_MODE === 'proxy' && env.TRUSTED_PROXIES.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message:
          'AUTH_MODE=proxy needs TRUSTED_PROXIES: the addresses of the proxies that authenticate users',
      });
    }
  });

/**
 * Reads and validates the configuration from an environment map. Throws `ConfigError` with one
 * readable line naming the first problem.
 */
export function loadGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(issue?.message ?? 'invalid configuration');
  }
  const v = parsed.data;
  return {
    port: v.PORT,
    host: v.HOST,
    redisUrl: v.REDIS_URL,
    redisMode: v.REDIS_MODE,
    publicUrls: v.PUBLIC_URL,
    cors: v.CORS_ORIGINS,
    authMode: v.AUTH_MODE,
    ...(v.AUTH_MODE === 'users'
      ? { usersFile: v.USERS_FILE, sessionSecret: v.SESSION_SECRET }
      : {}),
    ...(v.AUTH_MODE !== 'none'
      ? { sessionTtlMs: v.SESSION_TTL, trustedProxies: v.TRUSTED_PROXIES }
      : {}),
    ...(v.METRICS_TOKEN !== undefined ? { metricsToken: v.METRICS_TOKEN } : {}),
    logLevel: parseLogLevel(env.LOG_LEVEL),
    webDist: v.WEB_DIST,
    crashLoop: { exits: v.CRASH_LOOP_EXITS, windowMs: v.CRASH_LOOP_WINDOW },
    ...(v.FLEET_VIEW_LINE !== undefined ? { fleetViewLine: v.FLEET_VIEW_LINE } : {}),
  };
}
