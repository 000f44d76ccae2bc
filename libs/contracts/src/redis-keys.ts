import { HOST_ID } from './ids';
import { PROTOCOL_VERSION } from './protocol';

const root = `flotilla:v${PROTOCOL_VERSION}`;

/** Start of every per-host key and channel: `<root>:host:{<id>}:`. */
const hostStart = `${root}:host:{`;
const hostPrefix = (hostId: string): string => `${hostStart}${hostId}}:`;

/**
 * Every Redis key, stream and channel Flotilla uses. Everything an agent writes lives under its
 * own `host:{<id>}:` prefix so a Redis ACL can confine each agent to its host (see `agentAclArgs` in the gateway).
 *
 * The braces are a Redis Cluster hash tag: every key of one host hashes to the same slot, so a
 * transaction or multi-key command over one host's keys (a stream and its byte counts, the
 * commands and replies streams) never spans slots. Shared keys (`hosts`, `audit`, the `auth:`
 * keys) are only ever used by single-key commands. Host ids cannot hold braces (`HOST_ID`).
 */
export const RedisKeys = {
  root,
  /**
   * Set of every host id that ever announced itself. Gateways alone write it (from announce
   * channels and info keys), so no agent can empty it, retype it or add another host to it.
   */
  hosts: `${root}:hosts`,
  hostPrefix,
  /** JSON HostInfo. */
  hostInfo: (hostId: string) => `${hostPrefix(hostId)}info`,
  /** SCAN pattern of every host's info key (see `hostIdOf`). */
  hostInfoPattern: `${hostStart}*}:info`,
  /** Channel on which an agent says "I am here" at start and with every heartbeat. */
  announce: (hostId: string) => `${hostPrefix(hostId)}announce`,
  /** PSUBSCRIBE pattern of every host's announce channel (see `hostIdOf`). */
  announcePattern: `${hostStart}*}:announce`,
  /** Present (with a TTL) while the agent is alive; its value is the last beat's ISO time. */
  heartbeat: (hostId: string) => `${hostPrefix(hostId)}alive`,
  /** Hash container id → JSON Container: the host's snapshot. */
  snapshot: (hostId: string) => `${hostPrefix(hostId)}containers`,
  /** Capped stream of FleetEvents. */
  events: (hostId: string) => `${hostPrefix(hostId)}events`,
  /** Capped stream of log batches of one container. */
  logs: (hostId: string, containerId: string) => `${hostPrefix(hostId)}logs:${containerId}`,
  /** Capped stream of stats samples of one container. */
  stats: (hostId: string, containerId: string) => `${hostPrefix(hostId)}stats:${containerId}`,
  /** Sorted set of `<container id>|<holder>` scored by expiry (epoch ms): who wants logs. */
  logLeases: (hostId: string) => `${hostPrefix(hostId)}leases:logs`,
  /** Same for stats. */
  statsLeases: (hostId: string) => `${hostPrefix(hostId)}leases:stats`,
  /** Channel poked when a lease is added, so the agent reacts at once instead of at its next poll. */
  wake: (hostId: string) => `${hostPrefix(hostId)}wake`,
  /** Stream of CommandRequests for the host's agent. */
  commands: (hostId: string) => `${hostPrefix(hostId)}commands`,
  /** Stream of CommandReplies from the host's agent. */
  replies: (hostId: string) => `${hostPrefix(hostId)}replies`,
  /**
   * Hash of the bytes the host's log and stats streams hold: field `logs:<container>` or
   * `stats:<container>` per stream, and `total` for the host, so retention is enforced in bytes.
   */
  retained: (hostId: string) => `${hostPrefix(hostId)}retained`,
  /** Capped stream of audit records. */
  audit: `${root}:audit`,
  /** A login session's record (users mode): its user, with the session's TTL. */
  loginSession: (sessionId: string) => `${root}:auth:session:${sessionId}`,
  /** Counter of login attempts in one rate-limit bucket, living one window. */
  loginAttempts: (bucket: string) => `${root}:auth:login-attempts:${encodeURIComponent(bucket)}`,
  /** Prefix of the Socket.IO Redis adapter's channels. */
  adapterPrefix: `${root}:socket.io`,
  /** Hash rule id → JSON AlertRule, shared by every replica. Gateways alone write it. */
  alertRules: `${root}:alerts:rules`,
  /** Set NX by the one replica that delivers a firing (rule + the event's host and stream id). */
  alertClaim: (ruleId: string, hostId: string, eventId: string) =>
    `${root}:alerts:claim:${ruleId}:${hostId}:${eventId}`,
  /** Set NX with the rule's cooldown as TTL by the firing that delivers for rule + subject. */
  alertCooldown: (ruleId: string, subject: string) =>
    `${root}:alerts:cooldown:${ruleId}:${subject}`,
  /** Capped stream of AlertFirings: the firing history. */
  alertFirings: `${root}:alerts:firings`,
  /** Capped stream of ExitRecords: the host's container exits, kept after a container is removed. */
  exits: (hostId: string) => `${hostPrefix(hostId)}exits`,
  /** Stream of SearchRequests for the host's agent. */
  searchRequests: (hostId: string) => `${hostPrefix(hostId)}search:requests`,
  /** Stream of one search's SearchRecords from the host's agent (deleted when the search ends). */
  searchResults: (hostId: string, searchId: string) =>
    `${hostPrefix(hostId)}search:results:${searchId}`,
  /**
   * The gateway's side of one search: how many result batches it has consumed, with a short TTL
   * it renews. The agent publishes at most `SEARCH_LIMITS.windowBatches` ahead of it and stops
   * once it is gone (cancelled, limit reached, or the gateway died).
   */
  searchWindow: (hostId: string, searchId: string) =>
    `${hostPrefix(hostId)}search:window:${searchId}`,
  /**
   * Hash replica id → JSON PresenceRecord: what each gateway replica's sockets are looking at.
   * Gateways alone read and write it; each record carries its own expiry (bus time).
   */
  presence: `${root}:presence`,
  /**
   * Hash pin id → JSON Pin: one container's pinned lines. The `{host}` hash tag puts it in its
   * host's slot, but outside the host's prefix: gateways alone write pins, no agent's ACL reaches it.
   */
  pins: (hostId: string, containerId: string) => `${root}:pins:{${hostId}}:${containerId}`,
} as const;

/**
 * The host id inside a per-host key or channel name ending in `:<suffix>` (an info key, an
 * announce channel), or null when the name holds no valid host id. The name is what the Redis
 * ACL vouches for, so a host's identity is taken from it, never from a payload.
 */
export function hostIdOf(name: string, suffix: 'info' | 'announce'): string | null {
  const prefix = hostStart;
  const end = `}:${suffix}`;
  if (!name.startsWith(prefix) || !name.endsWith(end)) return null;
  const id = name.slice(prefix.length, name.length - end.length);
  return HOST_ID.test(id) ? id : null;
}

/** Lease members join a container id and the lease holder (a gateway replica). */
export function leaseMember(containerId: string, holder: string): string {
  return `${containerId}|${holder}`;
}

export function containerOfLeaseMember(member: string): string {
  const bar = member.indexOf('|');
  return bar === -1 ? member : member.slice(0, bar);
}

/**
 * Stream caps (approximate MAXLEN): retention per container and per host. Log and stats streams
 * are capped in bytes as well (entry ids and field names and values, UTF-8), whichever binds
 * first; the byte caps are the agent's defaults (RETENTION_CONTAINER_BYTES, RETENTION_HOST_BYTES).
 */
export const STREAM_CAPS = {
  logEntries: 20_000,
  statsEntries: 300,
  /** Bytes one container's log stream (and, apart, its stats stream) may hold: 16 MiB. */
  containerBytes: 16 * 1024 * 1024,
  /** Bytes all of a host's log and stats streams may hold together: 256 MiB. */
  hostBytes: 256 * 1024 * 1024,
  /** How long a removed container's log and stats are kept before they are deleted: 1 h. */
  removedGraceMs: 60 * 60 * 1_000,
  events: 10_000,
  commands: 1_000,
  replies: 1_000,
  audit: 100_000,
  alertFirings: 10_000,
  exits: 1_000,
  searchRequests: 1_000,
  /** Far above what flow control lets an agent write ahead (`SEARCH_LIMITS.windowBatches`). */
  searchResults: 1_000,
} as const;

/** Timing shared by agents and gateways. */
export const TIMINGS = {
  heartbeatIntervalMs: 2_000,
  heartbeatTtlMs: 10_000,
  leaseTtlMs: 15_000,
  leaseRenewMs: 5_000,
  commandTimeoutMs: 15_000,
  /** Life of a search's window key; the gateway renews it every `searchWindowRenewMs`. */
  searchWindowTtlMs: 3_000,
  searchWindowRenewMs: 1_000,
} as const;
