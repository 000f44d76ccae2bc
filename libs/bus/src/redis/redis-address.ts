import { z } from 'zod';
/** How the bus reaches Redis: one server, a Redis Cluster, or a master watched by Sentinels. */
export const REDIS_MODES = ['single', 'cluster', 'sentinel'] as const;
export type RedisMode = (typeof REDIS_MODES)[number];

export interface RedisEndpoint {
  host: string;
  port: number;
}

interface Credentials {
  username?: string;
  password?: string;
  tls: boolean;
}

/** What `REDIS_URL` names, read according to `REDIS_MODE`. */
export type RedisAddress =
  | { mode: 'single'; url: string }
  | ({ mode: 'cluster'; seeds: RedisEndpoint[] } & Credentials)
  | ({
      mode: 'sentinel';
      sentinels: RedisEndpoint[];
      /** The master's name as the Sentinels know it. */
      masterName: string;
      sentinelPassword?: string;
    } & Credentials);

/** The URL forms each mode accepts, for error messages and `--help`. */
export const REDIS_URL_FORMS: Record<RedisMode, string> = {
  single: 'redis://[[user]:password@]host:port[/db] (or rediss://)',
  cluster:
    'comma-separated seed nodes, redis://[[user]:password@]host:port,redis://host2:port2 (or rediss://)',
  sentinel:
    'redis+sentinel://[[user]:password@]sentinel1:26379,sentinel2:26379/<master name>[?sentinelPassword=...] (or rediss+sentinel://)',
};

export class RedisAddressError extends Error {}

/**
 * Reads `url` as `mode` says. Throws `RedisAddressError` naming the expected form; the message
 * never repeats the URL, which may hold a password.
 */
export function parseRedisAddress(mode: RedisMode, url: string): RedisAddress {
  const fail = (why: string): never => {
    throw new RedisAddressError(`REDIS_URL (${mode}): ${why}; expected ${REDIS_URL_FORMS[mode]}`);
  };
  if (mode === 'single') {
    if (!/^rediss?:\/\/[^\s,]+$/.test(url)) fail('not a redis:// URL of one server');
    return { mode, url };
  }
  if (mode === 'cluster') {
    const nodes = url.split(',').map((part) => part.trim());
    const parsed = nodes.map((node) => {
      const match = /^(rediss?):\/\/(?:([^@/\s]*)@)?([^/?#\s@]+)\/?$/.exec(node);
      if (!match) return fail('a seed node is not redis://[credentials@]host:port');
      return { tls: match[1] === 'rediss', ...credentials(match[2]), endpoint: endpoint(match[3]) };
    });
    if (parsed.some((p) => p.endpoint === null)) fail('a seed node has no host:port');
    if (new Set(parsed.map((p) => p.tls)).size > 1) fail('mixes redis:// and rediss:// seeds');
    // One set of credentials serves every node: the seeds that carry some must agree.
    const given = parsed.filter((p) => p.password !== undefined || p.username !== undefined);
    if (new Set(given.map((p) => `${p.username ?? ''}\0${p.password ?? ''}`)).size > 1)
      fail('seed nodes carry different credentials');
    return {
      mode,
      seeds: parsed.map((p) => p.endpoint as RedisEndpoint),
      tls: parsed[0].tls,
      ...(given[0]?.username !== undefined ? { username: given[0].username } : {}),
      ...(given[0]?.password !== undefined ? { password: given[0].password } : {}),
    };
  }
  const match =
    /^(rediss?)\+sentinel:\/\/(?:([^@/\s]*)@)?([^/?#\s@]+)\/([^/?#\s]+)(?:\?(\S*))?$/.exec(url);
  if (!match) return fail('not a redis+sentinel:// URL');
  const sentinels = match[3].split(',').map((part) => endpoint(part.trim()));
  if (sentinels.some((s) => s === null)) fail('a sentinel has no host:port');
  const query = new URLSearchParams(match[5] ?? '');
  for (const key of query.keys()) {
    if (key !== 'sentinelPassword') fail(`unknown parameter "${key}"`);
  }
  const sentinelPassword = query.get('sentinelPassword');
  return {
    mode,
    sentinels: sentinels as RedisEndpoint[],
    masterName: decodeURIComponent(match[4]),
    tls: match[1] === 'rediss',
    ...credentials(match[2]),
    ...(sentinelPassword !== null ? { sentinelPassword } : {}),
  };
}

function credentials(userInfo: string | undefined): { username?: string; password?: string } {
  if (userInfo === undefined || userInfo === '') return {};
  const colon = userInfo.indexOf(':');
  const user = decodeURIComponent(colon === -1 ? userInfo : userInfo.slice(0, colon));
  const password = colon === -1 ? undefined : decodeURIComponent(userInfo.slice(colon + 1));
  return {
    ...(user !== '' ? { username: user } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}

/** `host:port` or `[v6]:port`; null when either part is missing or the port is out of range. */
function endpoint(text: string): RedisEndpoint | null {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(text);
  if (!match) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65_535) return null;
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

/** `REDIS_MODE` as configured: blank means `single`. Throws `RedisAddressError` otherwise. */
export function parseRedisMode(value: string | undefined): RedisMode {
  const mode = (value ?? '').trim() || 'single';
  if ((REDIS_MODES as readonly string[]).includes(mode)) return mode as RedisMode;
  throw new RedisAddressError(`REDIS_MODE must be one of ${REDIS_MODES.join(', ')}, got "${mode}"`);
}

/** What is wrong with `url` for `mode`, or null; no URL at all is a matter for the caller. */
export function redisUrlProblem(mode: RedisMode, url: string | null): string | null {
  if (url === null) return null;
  try {
    parseRedisAddress(mode, url);
    return null;
  } catch (error: unknown) {
    if (error instanceof RedisAddressError) return error.message;
    throw error;
  }
}

/** `REDIS_MODE` in an app's zod configuration schema: a bad value is a configuration issue. */
export const redisModeSchema = z
  .string()
  .optional()
  .transform((value, ctx): RedisMode => {
    try {
      return parseRedisMode(value);
    } catch (error: unknown) {
      if (!(error instanceof RedisAddressError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  });
