import { RedisKeys } from '@flotilla/contracts';

/**
 * The commands a docker agent issues through the bus, and nothing else: strings, hashes, sets,
 * sorted sets and streams on its own keys, MULTI/EXEC, its wake channel, and `CLIENT ID` /
 * `CLIENT UNBLOCK` so its stream follower can be interrupted at once (without them it still
 * works, at the block timeout). No KEYS, SCAN, FLUSH*, CONFIG, EVAL, DEBUG or other CLIENT
 * subcommands.
 */
export const AGENT_COMMANDS = [
  'ping',
  'info',
  // The bus clock: lease and command expiry are measured on Redis's clock, not the host's.
  'time',
  'hello',
  'auth',
  'quit',
  'select',
  'client|id',
  'client|unblock',
  'client|setname',
  'client|getname',
  'multi',
  'exec',
  'discard',
  'get',
  'set',
  'mget',
  'del',
  'exists',
  'expire',
  'pexpire',
  'pttl',
  'sadd',
  'hset',
  // Byte counts of the host's log and stats streams (retention).
  'hincrby',
  'hdel',
  'hget',
  'hgetall',
  'hmset',
  'zadd',
  'zrem',
  'zrange',
  'zrangebyscore',
  'zremrangebyscore',
  'xadd',
  'xrange',
  'xrevrange',
  'xread',
  'xtrim',
  'xlen',
  'publish',
  'subscribe',
  'unsubscribe',
] as const;

const HOST_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * `ACL SETUSER` arguments confining the agent of `hostId` to its own keys and channels
 * (`flotilla:v1:host:<id>:*`) plus write-only access to the shared host set (SADD on
 * `flotilla:v1:hosts`, which it cannot read). Everything else is refused with NOPERM.
 */
export function agentAclArgs(hostId: string, password: string): string[] {
  if (!HOST_ID.test(hostId))
    throw new Error(`"${hostId}" is not a host id (letters, digits, . _ -)`);
  if (password.length < 16 || /\s/.test(password))
    throw new Error('the password must be at least 16 characters without spaces');
  return [
    `agent-${hostId}`,
    'reset',
    'on',
    `>${password}`,
    `~${RedisKeys.hostPrefix(hostId)}*`,
    `%W~${RedisKeys.hosts}`,
    `&${RedisKeys.wake(hostId)}`,
    '-@all',
    ...AGENT_COMMANDS.map((c) => `+${c}`),
  ];
}

/** The same as one `ACL SETUSER …` line for redis-cli or an ACL file (`user …` without the verb). */
export function agentAclLine(hostId: string, password: string): string {
  return `ACL SETUSER ${agentAclArgs(hostId, password).join(' ')}`;
}
