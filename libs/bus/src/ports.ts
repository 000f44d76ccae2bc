import type {
  AlertFiring,
  AlertRule,
  SearchRecord,
  SearchRequest,
  AuditEvent,
  CommandReply,
  CommandRequest,
  Container,
  ExitRecord,
  FleetEvent,
  HostInfo,
  HostStatus,
  PresenceRecord,
  StatsSample,
} from '@flotilla/contracts';

/**
 * The bus as agents and gateways see it: narrow repositories, each over one kind of key in
 * `RedisKeys`. Two implementations share these interfaces and one contract test suite: Redis (a
 * fleet) and in-process memory (standalone, one host).
 */

export interface StreamEntry<T> {
  id: string;
  value: T;
}

/** A log batch as the agent writes it: whole lines, each `<docker timestamp> <text>` without `\n`. */
export interface LogBatch {
  lines: string[];
  /** Indexes into `lines` of stderr lines. */
  stderr: number[];
  /** Docker timestamp of the last line. */
  lastTimestamp: string;
}

/** A stored log entry as gateways read it. `text` is the lines joined, each ending in `\n`. */
export interface LogEntry {
  id: string;
  /** Number of the entry's last line (1-based, per container). */
  seq: number;
  n: number;
  text: string;
  stderr: number[];
  lastTimestamp: string;
}

export type LeaseKind = 'logs' | 'stats';

export interface HostTrackOptions {
  /** Called once per host id this tracker has not met before, after it is in the host set. */
  onHost?: (hostId: string) => void;
  /** How often info keys are scanned for hosts whose announcements were missed; 60 s by default. */
  rescanMs?: number;
}

export interface HostRepository {
  /**
   * Writes the host's info and announces it on the host's own channel. Agents write nothing
   * shared: gateways (`track`) add announced hosts to the host set.
   */
  announce(info: HostInfo): Promise<void>;
  /** Refreshes the heartbeat key (TTL `TIMINGS.heartbeatTtlMs`) and announces the host again. */
  beat(hostId: string): Promise<void>;
  /** Deletes the heartbeat at once (clean shutdown) and appends a host-offline event. */
  markOffline(info: HostInfo): Promise<void>;
  /**
   * Gateways: keeps the host set that `list` reads. Adds every host heard on an announce channel
   * (its id taken from the channel's name, never from a payload) and, at start and every
   * `rescanMs`, every host with an info key (announced while no tracker listened). Resolves once
   * listening and the first scan are done, or failed (both are retried every `rescanMs`), or
   * after 2 s while Redis does not answer; returns the stop function.
   */
  track(options?: HostTrackOptions): Promise<() => Promise<void>>;
  /** The hosts of the host set (see `track`), online or not. */
  list(): Promise<HostStatus[]>;
  get(hostId: string): Promise<HostStatus | null>;
}

export interface SnapshotRepository {
  /** Atomically replaces the host's whole snapshot. */
  replace(hostId: string, containers: Container[]): Promise<void>;
  upsert(container: Container): Promise<void>;
  list(hostId: string): Promise<Container[]>;
  get(hostId: string, containerId: string): Promise<Container | null>;
}

export interface EventRepository {
  append(hostId: string, event: FleetEvent): Promise<string>;
  /** The snapshot and the id of the newest event it reflects, read atomically. */
  snapshotAt(hostId: string): Promise<{ containers: Container[]; position: string }>;
  /** Events after `after` (exclusive), oldest first, at most `count`. */
  range(hostId: string, after: string, count: number): Promise<StreamEntry<FleetEvent>[]>;
  /**
   * The newest `count` events stamped from `sinceMs` to `untilMs` (inclusive, by the epoch ms of
   * their entry ids), oldest first: a bounded read of a time window.
   */
  window(
    hostId: string,
    sinceMs: number,
    untilMs: number,
    count: number,
  ): Promise<StreamEntry<FleetEvent>[]>;
}

export interface LogRepository {
  /** Appends a batch as entry `<seq of its last line>-0`; returns the entry. */
  append(hostId: string, containerId: string, firstSeq: number, batch: LogBatch): Promise<LogEntry>;
  /** The newest entry, where a follow resumes (its seq and timestamp); null when none. */
  last(hostId: string, containerId: string): Promise<LogEntry | null>;
  first(hostId: string, containerId: string): Promise<LogEntry | null>;
  /** Entries after `after` (exclusive), oldest first, at most `count` entries. */
  range(hostId: string, containerId: string, after: string, count: number): Promise<LogEntry[]>;
  /**
   * The newest entries covering at least `lines` lines, oldest first; with `before`, only
   * entries older than that id (paging back through what is retained).
   */
  tail(hostId: string, containerId: string, lines: number, before?: string): Promise<LogEntry[]>;
}

export interface StatsRepository {
  append(sample: StatsSample): Promise<string>;
  /** The newest `count` samples, oldest first. */
  latest(hostId: string, containerId: string, count: number): Promise<StreamEntry<StatsSample>[]>;
}

/** Bytes a host's log and stats streams hold (as `Retention` counts them). */
export interface RetentionUsage {
  total: number;
  /** Per container with a log or stats stream: the bytes of both. */
  containers: Record<string, number>;
}

/**
 * The byte budget of a host's log and stats streams: appends are counted and trimmed to it by
 * the log and stats repositories; this is what the agent reads and clears.
 */
export interface RetentionRepository {
  usage(hostId: string): Promise<RetentionUsage>;
  /** Deletes a container's log and stats streams (it was removed and its grace period is over). */
  drop(hostId: string, containerId: string): Promise<void>;
}

export interface LeaseRepository {
  /** Adds or renews a holder's lease on a container, and wakes the host's agent. */
  acquire(
    kind: LeaseKind,
    hostId: string,
    containerId: string,
    holder: string,
    ttlMs: number,
  ): Promise<void>;
  release(kind: LeaseKind, hostId: string, containerId: string, holder: string): Promise<void>;
  /** Container ids with at least one live lease; expired leases are purged. */
  active(kind: LeaseKind, hostId: string): Promise<string[]>;
  /** Calls `onWake` whenever a lease is acquired on this host; returns a stop function. */
  onWake(hostId: string, onWake: () => void): Promise<() => Promise<void>>;
}

export interface CommandRepository {
  /**
   * Queues the request for the host's agent. Resolves with the position of the host's reply
   * stream read atomically with the send (before the agent can see the request), to pass to
   * `awaitReply` so the wait reads only what comes after.
   */
  send(request: CommandRequest): Promise<string>;
  /**
   * Waits for the reply to `requestId` among replies after `after` (the position `send`
   * returned); null on timeout. Without `after` it searches every retained reply.
   */
  awaitReply(
    hostId: string,
    requestId: string,
    timeoutMs: number,
    after?: string,
  ): Promise<CommandReply | null>;
  reply(reply: CommandReply): Promise<void>;
  /**
   * The newest id of the host's command stream (`'0-0'` when empty): where an agent starts
   * following, so it acts only on what is sent after it started, whatever its own clock says.
   */
  newestCommand(hostId: string): Promise<string>;
}

/**
 * What users mode shares between gateway replicas: login sessions (one record per session,
 * living exactly as long as its token) and login attempt counters.
 */
export interface LoginRepository {
  /** Records a session of `user` that lives `ttlMs`. */
  openSession(sessionId: string, user: string, ttlMs: number): Promise<void>;
  /** The user of a live session; null once it was closed, has expired or was never recorded. */
  sessionUser(sessionId: string): Promise<string | null>;
  closeSession(sessionId: string): Promise<void>;
  /**
   * Adds `by` to the attempt counter of `bucket` and returns its new value; a counter lives
   * `windowMs` from its first count, then starts again from zero.
   */
  countAttempt(bucket: string, by: number, windowMs: number): Promise<number>;
}

/** The audit trail: one capped stream (`STREAM_CAPS.audit`) that only gateways write. */
export interface AuditRepository {
  /** Appends a record; returns its entry id. */
  append(record: AuditEvent): Promise<string>;
  /**
   * The newest `limit` records that `accept` keeps, newest first, each with its entry id.
   * Entries that are not valid records are skipped.
   */
  list(limit: number, accept: (record: AuditEvent) => boolean): Promise<AuditEvent[]>;
  /** Like `list`, among the records stored from `sinceMs` to `untilMs` (inclusive) only. */
  window(
    sinceMs: number,
    untilMs: number,
    limit: number,
    accept: (record: AuditEvent) => boolean,
  ): Promise<AuditEvent[]>;
}

/**
 * Why a record read from a per-host key was dropped: it does not validate, or it names another
 * host (or, in a per-container key, another container) than the key it was read from.
 */
export type RejectionReason = 'invalid' | 'foreign_host' | 'foreign_container';

export interface RecordRejection {
  /** The host the key names: the one whose agent wrote the record. */
  hostId: string;
  reason: RejectionReason;
  key: string;
  /** Stream entry id, or hash field. */
  id: string;
  error: string;
}

/**
 * Decodes records read from per-host keys. Every repository read goes through it, and so must
 * raw entries a `StreamFollower` hands out: a record that does not validate or names another host
 * than its key is dropped, logged once per host and reported to `onRejected` listeners.
 */
export interface RecordReader {
  events(hostId: string, entries: readonly StreamEntry<FieldMap>[]): StreamEntry<FleetEvent>[];
  stats(
    hostId: string,
    containerId: string,
    entries: readonly StreamEntry<FieldMap>[],
  ): StreamEntry<StatsSample>[];
  logs(hostId: string, containerId: string, entries: readonly StreamEntry<FieldMap>[]): LogEntry[];
  exits(hostId: string, entries: readonly StreamEntry<FieldMap>[]): StreamEntry<ExitRecord>[];
  commands(
    hostId: string,
    entries: readonly StreamEntry<FieldMap>[],
  ): StreamEntry<CommandRequest>[];
  /** Calls `listener` with every record this bus drops; returns a function that stops it. */
  onRejected(listener: (rejection: RecordRejection) => void): () => void;
}

type FieldMap = Record<string, string>;

/**
 * Follows streams with blocking reads on a connection of its own. `follow` adds a stream (or
 * moves its cursor); `unfollow` drops it. Entries reach `onEntries` in order, per stream, never
 * synchronously inside `follow` or an append. `after` is an exclusive stream id (`'0-0'`: from
 * the start); to follow only what comes next, pass the newest id (`events.snapshotAt`,
 * `logs.last`, the position `commands.send` returns).
 */
export interface StreamFollower {
  follow(key: string, after: string): void;
  unfollow(key: string): void;
  close(): Promise<void>;
}

/**
 * Log searches run by the agents: the gateway queues a request on the host's request stream, the
 * agent answers on the search's own result stream. Flow control: the gateway keeps a window key
 * (how many result batches it has consumed, short TTL, renewed); the agent stays within
 * `SEARCH_LIMITS.windowBatches` of it and stops once the key is gone.
 */
export interface SearchRepository {
  /** Gateway: opens the window (0 consumed) and then queues the request. */
  request(request: SearchRequest): Promise<void>;
  /** Agent: the newest id of its request stream (`'0-0'` when empty), where it starts following. */
  newestRequest(hostId: string): Promise<string>;
  /** Agent: decodes raw entries of its request stream; invalid or foreign ones are dropped. */
  requests(hostId: string, entries: readonly StreamEntry<FieldMap>[]): StreamEntry<SearchRequest>[];
  /** Agent: appends a record to the search's result stream. */
  publish(record: SearchRecord): Promise<void>;
  /** Gateway: decodes raw entries of a result stream; invalid, foreign or misfiled ones are dropped. */
  results(
    hostId: string,
    searchId: string,
    entries: readonly StreamEntry<FieldMap>[],
  ): StreamEntry<SearchRecord>[];
  /** Gateway: records the batches consumed so far and renews the window's TTL. */
  renew(hostId: string, searchId: string, consumed: number, ttlMs: number): Promise<void>;
  /** Agent: batches the gateway has consumed; null once the search ended or its gateway left. */
  consumed(hostId: string, searchId: string): Promise<number | null>;
  /** Gateway: ends the search: deletes its window (the agent stops) and its result stream. */
  end(hostId: string, searchId: string): Promise<void>;
}

/** What one gateway replica's sockets are looking at (see `PresenceRepository`). */
export type PresenceTargets = PresenceRecord['targets'];

export interface ReplicaPresence {
  replica: string;
  targets: PresenceTargets;
}

/**
 * Presence, shared by gateway replicas only: one record per replica, replaced whole on each
 * publish and living `ttlMs` on the bus clock, so a replica that dies takes its viewers with it.
 */
export interface PresenceRepository {
  /** Replaces the replica's record; it lives `ttlMs` unless published again. */
  publish(replica: string, targets: PresenceTargets, ttlMs: number): Promise<void>;
  /** Removes the replica's record at once (clean shutdown). */
  withdraw(replica: string): Promise<void>;
  /**
   * Every replica's live record. Expired and invalid records are skipped (invalid ones logged);
   * records expired for over a minute are deleted.
   */
  list(): Promise<ReplicaPresence[]>;
}

export interface Bus {
  readonly hosts: HostRepository;
  readonly snapshots: SnapshotRepository;
  readonly events: EventRepository;
  readonly logs: LogRepository;
  readonly stats: StatsRepository;
  readonly leases: LeaseRepository;
  readonly commands: CommandRepository;
  readonly records: RecordReader;
  readonly retention: RetentionRepository;
  readonly logins: LoginRepository;
  readonly audit: AuditRepository;
  readonly alerts: AlertRepository;
  readonly exits: ExitRepository;
  readonly search: SearchRepository;
  readonly presence: PresenceRepository;
  /** A follower over raw stream entries (field map per entry). */
  follower(
    onEntries: (key: string, entries: StreamEntry<Record<string, string>>[]) => void,
  ): StreamFollower;
  /**
   * The bus's clock, epoch ms (Redis `TIME`; the process's monotonic clock in memory). Every
   * expiry that an agent and a gateway both look at (leases, commands) is measured on it, so
   * hosts whose clocks disagree still agree on what has expired.
   */
  time(): Promise<number>;
  /** Resolves when the bus answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Alert rules shared by every gateway replica, the claims that make each firing delivered by one
 * replica only, and the history of firings. Only gateways use it (agents' ACL has no access).
 */
export interface AlertRepository {
  /** Every stored rule that validates, in id order; invalid entries are skipped. */
  rules(): Promise<AlertRule[]>;
  /** Creates or replaces the rule with its id. */
  putRule(rule: AlertRule): Promise<void>;
  /** False when there was no such rule. */
  deleteRule(id: string): Promise<boolean>;
  /**
   * Claims the delivery of rule `ruleId` for one host event: true for exactly one caller across
   * replicas while the claim lives (`ttlMs`), false for every other.
   */
  claimFiring(ruleId: string, hostId: string, eventId: string, ttlMs: number): Promise<boolean>;
  /** Starts the cooldown of a rule for a subject: false while one is already running. */
  startCooldown(ruleId: string, subject: string, ttlMs: number): Promise<boolean>;
  /** Appends to the capped firing history; returns its entry id. */
  appendFiring(firing: AlertFiring): Promise<string>;
  /** The valid firings among the newest `limit` entries, newest first, each with its entry id. */
  firings(limit: number): Promise<AlertFiring[]>;
}

/**
 * Container exits, one capped stream per host (`STREAM_CAPS.exits`) that its agent appends to and
 * that outlives the containers it tells of (retention drops only log and stats streams).
 */
export interface ExitRepository {
  /** Appends a record to the stream of its host; returns its entry id (its time on the bus clock). */
  append(record: ExitRecord): Promise<string>;
  /**
   * The host's newest `limit` records that `accept` keeps, newest first. Records that do not
   * validate or name another host are dropped (and reported, see `RecordReader`).
   */
  list(
    hostId: string,
    limit: number,
    accept?: (record: ExitRecord) => boolean,
  ): Promise<StreamEntry<ExitRecord>[]>;
}
