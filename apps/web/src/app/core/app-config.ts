import { InjectionToken } from '@angular/core';
import { LIMITS } from '@flotilla/contracts/core';

/** Everything the dashboard could want to tune, read once; nothing else hard-codes a URL or a limit. */
export interface WebConfig {
  /** Gateway origin; undefined means the page's own origin (the gateway serves the app). */
  socketUrl: string | undefined;
  /** Socket.IO path on the gateway. */
  socketPath: string;
  /** Reconnection backoff and connect timeout, as the original design. */
  reconnectionDelayMs: number;
  reconnectionDelayMaxMs: number;
  connectTimeoutMs: number;
  /** How often the round-trip time is measured with a `heartbeat`. */
  heartbeatIntervalMs: number;
  /** How long a request waits for its ack before it counts as failed. */
  ackTimeoutMs: number;
  /** How long a container action waits for its ack (the agent has its own deadline). */
  actionTimeoutMs: number;
  /** Lines of backfill when a log stream starts without a cursor. */
  logTail: number;
  /** Lines kept per log stream and per merged view. */
  logCapacity: number;
  /** Incoming log updates are buffered and rendered at most this often. */
  logFlushMs: number;
  /** Fleet state changes are applied in batches at most this often. */
  fleetFlushMs: number;
  /**
   * The page takes the whole fleet when the user may see at most this many containers; above,
   * hosts with their counts and the containers of the hosts opened (the view's `up_to`).
   */
  fleetViewLine: number;
  /**
   * Over the line, typing in the fleet filter asks the gateway (`find_containers`) once the typist
   * pauses this long, for at most `fleetFindLimit` matches.
   */
  fleetFindDelayMs: number;
  fleetFindLimit: number;
  /** Most containers whose stats the fleet view subscribes to at once. */
  maxFleetStats: number;
  /** Stats samples kept per container for the charts. */
  statsHistory: number;
}

export const DEFAULT_WEB_CONFIG: WebConfig = {
  socketUrl: undefined,
  socketPath: '/socket.io',
  reconnectionDelayMs: 1_000,
  reconnectionDelayMaxMs: 5_000,
  connectTimeoutMs: 60_000,
  heartbeatIntervalMs: 5_000,
  ackTimeoutMs: 15_000,
  actionTimeoutMs: 20_000,
  logTail: Math.min(1_000, LIMITS.maxTail),
  logCapacity: 100_000,
  logFlushMs: 10,
  fleetFlushMs: 50,
  fleetViewLine: 2_000,
  fleetFindDelayMs: 250,
  fleetFindLimit: 100,
  maxFleetStats: 24,
  statsHistory: 120,
};

export const WEB_CONFIG = new InjectionToken<WebConfig>('WEB_CONFIG', {
  providedIn: 'root',
  factory: () => DEFAULT_WEB_CONFIG,
});
