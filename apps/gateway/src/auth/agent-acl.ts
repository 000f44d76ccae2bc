import { HOST_ID, RedisKeys } from '@flotilla/contracts';

/**
 * The commands a docker agent issues through the bus, and nothing else: strings, hashes, sorted
 * sets and streams on its own keys, MULTI/EXEC, SUBSCRIBE to its wake channel, PUBLISH on its
 * announce channel. Of CLIENT only SETNAME (ioredis names each connection): every other
 * subcommand can see or touch other clients' connections (UNBLOCK ends a gateway's blocking
 * read, KILL, PAUSE, LIST), and the agent's stream follower needs no interrupt. INFO is ioredis'
 * ready check. No KEYS, SCAN, FLUSH*, CONFIG, EVAL, DEBUG, ACL.
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
  'client|setname',
  // ioredis on a Redis Cluster: the slot map and the ready check (read-only, no keys).
  'cluster|slots',
  'cluster|info',
  'multi',
  'exec',
  'discard',
  'get',
  'set',
  'mget',
  'del',
  'hset',
  // Byte counts of the host's log and stats streams (retention).
  'hincrby',
  'hdel',
  'hget',
  'hgetall',
  'zrange',
  'zremrangebyscore',
  'xadd',
  // The TTL of a search's result stream (it outlives a gateway that died by a minute at most).
  'pexpire',
  'xrange',
  'xrevrange',
  'xread',
  // Trimming its own streams to the byte budget (retention).
  'xlen',
  'xtrim',
  'publish',
  'subscribe',
  'unsubscribe',
] as const;

/**
 * `ACL SETUSER` arguments confining the agent of `hostId` to its own keys and channels
 * (`flotilla:v1:host:{<id>}:*`, its wake and announce channels). Nothing shared: gateways learn of
 * the host from its announce channel and info key. Everything else is refused with NOPERM.
 */
export function agentAclArgs(hostId: string, password: string): string[] {
  // Also keeps glob characters out of the key and channel patterns below.
  if (!HOST_ID.test(hostId))
    throw new Error(`"${hostId}" is not a host id (up to 63 letters, digits, . _ -)`);
  if (password.length < 16 || /\s/.test(password))
    throw new Error('the password must be at least 16 characters without spaces');
  return [
    `agent-${hostId}`,
    'reset',
    'on',
    `>${password}`,
    `~${RedisKeys.hostPrefix(hostId)}*`,
    `&${RedisKeys.wake(hostId)}`,
    `&${RedisKeys.announce(hostId)}`,
    '-@all',
    ...AGENT_COMMANDS.map((c) => `+${c}`),
  ];
}

/** The same as one `ACL SETUSER …` line for redis-cli or an ACL file (`user …` without the verb). */
export function agentAclLine(hostId: string, password: string): string {
  return `ACL SETUSER ${agentAclArgs(hostId, password).join(' ')}`;
}
