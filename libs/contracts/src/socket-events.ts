import type { AuditEvent } from './audit';
import type { Container } from './schemas/container';
import type { ContainerActionPayload, ContainerAction } from './commands';
import type {
  ContainerActionRequest,
  FindContainersPayload,
  HeartbeatPayload,
  LoadEarlierPayload,
  StartLogStreamPayload,
  StatsSubscriptionPayload,
  StopLogStreamPayload,
  SubscribePayload,
} from './schemas/client-payloads';
import type { ErrorCode, ErrorPayload } from './errors';
import type { CountsUpdatePayload, HostCounts } from './fleet-counts';
import type { HostStatus } from './schemas/host';
import type { LogEntryRef, LogPosition, LogStreamStoppedPayload, LogUpdatePayload } from './logs';
import type { StatsSample } from './schemas/stats';
import type { StatsStoppedPayload } from './stats';
import type { PresenceCountsPayload, PresencePayload, WatchOk } from './presence';
import type { WatchPayload } from './schemas/presence';
import type { CrashLoopPayload } from './exits';
import type { SearchCancelPayload, SearchLogsPayload } from './schemas/search';
import type { SearchDonePayload, SearchResultsPayload } from './search';
import type { PinLineOk, PinsPayload } from './pins';
import type { PinLinePayload, UnpinPayload } from './schemas/pins';

export interface ConnectionEstablishedPayload {
  message: string;
  protocol_version: number;
  /** Opaque id of the replica the socket landed on (diagnostics only). */
  server_id: string;
  user: string | null;
  /**
   * The container actions this user's role allows (scope still applies per container), so the
   * page offers only those. Absent from older gateways: then every action is offered.
   */
  actions?: ContainerAction[];
  /**
   * Whether this user may manage alert rules and read their firings (admins of the whole fleet),
   * so the page offers the rule editor only to them; the REST API checks again on every request.
   */
  manage_alerts?: boolean;
  /** Whether this user's role may pin log lines (scope still applies per container). */
  pin_lines?: boolean;
}

/**
 * `initial_state`: the original `{containers}` plus every host and, per host, the event-stream
 * position the snapshot reflects; every later change arrives as `container_state_change`.
 * A socket that connected with a view (`FleetView`) gets `counts` of every host it may see and
 * `containers` of its view only (`partial: true`); changes outside the view arrive as
 * `counts_update`.
 */
export interface InitialStatePayload {
  containers: Container[];
  hosts: HostStatus[];
  position: Record<string, string>;
  counts?: Record<string, HostCounts>;
  partial?: true;
}

/** Acks answer a request; `status` is the original design's field. */
export interface ErrorAck {
  status: 'error';
  error: string;
  code: ErrorCode;
}
export type StartLogStreamAck =
  { status: 'stream_started'; container_id: string; host_id: string } | ErrorAck;
export type OkAck = { status: 'ok' } | ErrorAck;
/** A socket with a view gets the containers that `subscribe` brought into it, exactly once. */
export type SubscribeAck = { status: 'ok'; containers?: Container[] } | ErrorAck;
/**
 * `find_containers`: best first (exact name, then name prefix, then the rest by name), at most
 * `limit`; `more` when others matched too.
 */
export type FindContainersAck = { status: 'ok'; containers: Container[]; more: boolean } | ErrorAck;
export type ContainerActionAck =
  { status: 'ok'; action: ContainerAction; unchanged: boolean } | ErrorAck;
export type WatchAck = WatchOk | ErrorAck;
/** `search_logs` is answered once the query is checked and the agents are asked. */
export type SearchLogsAck = { status: 'ok'; search_id: string } | ErrorAck;
/**
 * `load_earlier`'s page: `log` holds whole lines (`<docker timestamp> <text>\n`) in time order.
 * Its first `history` lines came from Docker's own log and have no entry; `entries` cover the
 * rest (from the retained stream), as in a `log_update`. Ask for the next page with `before`
 * (null when nothing earlier exists; then `more` is false).
 */
export type LoadEarlierAck =
  | {
      status: 'ok';
      container_id: string;
      host_id: string;
      log: string;
      stderr: number[];
      tty: boolean;
      entries: LogEntryRef[];
      history: number;
      more: boolean;
      before: LogPosition | null;
    }
  | ErrorAck;
export type PinLineAck = PinLineOk | ErrorAck;
export type HeartbeatAck = { status: 'ok'; sent_at: number; server_time: number } | ErrorAck;

/** Server → client events: the original six plus the fleet's. */
export interface ServerToClientEvents {
  connection_established: (payload: ConnectionEstablishedPayload) => void;
  initial_state: (payload: InitialStatePayload) => void;
  container_state_change: (payload: Container) => void;
  host_state_change: (payload: HostStatus) => void;
  log_update: (payload: LogUpdatePayload) => void;
  log_stream_stopped: (payload: LogStreamStoppedPayload) => void;
  stats_update: (payload: StatsSample) => void;
  stats_stream_stopped: (payload: StatsStoppedPayload) => void;
  counts_update: (payload: CountsUpdatePayload) => void;
  container_action: (payload: ContainerActionPayload) => void;
  /** Admins only: each audit record as it is written. */
  audit_event: (payload: AuditEvent) => void;
  error: (payload: ErrorPayload) => void;
  /** Sockets that sent `watch`: who else looks at their target, whenever that changes. */
  presence: (payload: PresencePayload) => void;
  /** Sockets that sent `watch`: watcher counts per container, whenever they change. */
  presence_counts: (payload: PresenceCountsPayload) => void;
  /** A container's crash-loop state, to sockets that may see it (see `CrashLoopPayload`). */
  crash_loop: (payload: CrashLoopPayload) => void;
  /** A search's next matches in time order (possibly none: progress only). */
  search_results: (payload: SearchResultsPayload) => void;
  /** A search ended: its summary. */
  search_done: (payload: SearchDonePayload) => void;
  /** A container's pins, on every change, to sockets viewing it that may see it. */
  pins: (payload: PinsPayload) => void;
}

/** Client → server events; each may carry an ack callback. */
export interface ClientToServerEvents {
  start_log_stream: (
    payload: StartLogStreamPayload,
    ack?: (res: StartLogStreamAck) => void,
  ) => void;
  /** A page of the lines before the earliest the client holds; the live follow is untouched. */
  load_earlier: (payload: LoadEarlierPayload, ack?: (res: LoadEarlierAck) => void) => void;
  stop_log_stream: (payload: StopLogStreamPayload, ack?: (res: OkAck) => void) => void;
  subscribe_stats: (payload: StatsSubscriptionPayload, ack?: (res: OkAck) => void) => void;
  unsubscribe_stats: (payload: StatsSubscriptionPayload, ack?: (res: OkAck) => void) => void;
  subscribe: (payload: SubscribePayload, ack?: (res: SubscribeAck) => void) => void;
  /** Containers the user may see matching a text, across the fleet; the view is unchanged. */
  find_containers: (payload: FindContainersPayload, ack?: (res: FindContainersAck) => void) => void;
  container_action: (
    payload: ContainerActionRequest,
    ack?: (res: ContainerActionAck) => void,
  ) => void;
  heartbeat: (payload: HeartbeatPayload, ack?: (res: HeartbeatAck) => void) => void;
  /** What the page shows now (replaces the socket's previous target). */
  watch: (payload: WatchPayload, ack?: (res: WatchAck) => void) => void;
  /** A fleet-wide log search: matches arrive as `search_results`, then `search_done`. */
  search_logs: (payload: SearchLogsPayload, ack?: (res: SearchLogsAck) => void) => void;
  /** Ends one search (or every search of the socket); answered ok even if it is over. */
  search_cancel: (payload: SearchCancelPayload, ack?: (res: OkAck) => void) => void;
  /** Operators and admins: pin a log line with a note. */
  pin_line: (payload: PinLinePayload, ack?: (res: PinLineAck) => void) => void;
  /** Operators and admins: remove a pin. */
  unpin: (payload: UnpinPayload, ack?: (res: OkAck) => void) => void;
}

export type ServerEventName = keyof ServerToClientEvents;
export type ClientEventName = keyof ClientToServerEvents;

/** Every client event (typed: a new event breaks this until listed). */
const CLIENT_EVENT_SET: Record<ClientEventName, true> = {
  start_log_stream: true,
  load_earlier: true,
  stop_log_stream: true,
  subscribe_stats: true,
  unsubscribe_stats: true,
  subscribe: true,
  find_containers: true,
  container_action: true,
  heartbeat: true,
  watch: true,
  search_logs: true,
  search_cancel: true,
  pin_line: true,
  unpin: true,
};
export const CLIENT_EVENTS = Object.keys(CLIENT_EVENT_SET) as readonly ClientEventName[];
