import { TIMINGS } from '@flotilla/contracts';

/**
 * Timings and caps of one replica. The defaults are for production; tests shorten the timings
 * so they run quickly.
 */
export interface GatewayTuning {
  /** How often the replica reads the host list (new hosts, expired heartbeats). */
  hostPollMs: number;
  leaseTtlMs: number;
  leaseRenewMs: number;
  commandTimeoutMs: number;
  /** Stream requests (start_log_stream, subscribe_stats, subscribe) a socket may burst... */
  streamRequestBurst: number;
  /** ...and sustain per second. */
  streamRequestsPerSecond: number;
  /** Container actions one user may burst on this replica (sockets and REST together)... */
  actionBurst: number;
  /** ...and sustain per second. */
  actionsPerSecond: number;
  /** Repeated refusals of one user, action, reason and container: one audit record per window. */
  auditCoalesceMs: number;
  /** Log and stats streams one socket may hold at once. */
  maxStreamsPerSocket: number;
  /** Bytes queued for a socket above which live log lines are dropped (and counted) for it. */
  socketBufferCapBytes: number;
  /**
   * Bytes queued for a socket above which it is disconnected: what no cap above bounds (acks,
   * errors, state changes, a backfill page) cannot grow past this for a client that stops reading.
   */
  socketHardCapBytes: number;
  /** Largest text of one `log_update` (whole entries are never split). */
  maxUpdateBytes: number;
  /** How often sockets that fell behind are checked for having drained. */
  drainCheckMs: number;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** How often sockets with a view are sent the counts that changed (`counts_update`). */
  countsIntervalMs: number;
  /**
   * The most containers a socket with a view (`up_to`) is sent in full at connect: at or below,
   * every container it may see; above, its view's only (`FLEET_VIEW_LINE`).
   */
  fleetViewLine: number;
  /** How often the replica rereads the alert rules other replicas may have changed. */
  alertRulesPollMs: number;
  /** Longest wait for a webhook's answer, per attempt. */
  alertWebhookTimeoutMs: number;
  /** Attempts per firing (the first and its retries)... */
  alertAttempts: number;
  /** ...waiting this, then twice as long each time, between them. */
  alertRetryBaseMs: number;
  /** Deliveries one replica runs at once; firings beyond are recorded as failed, not queued. */
  alertMaxInFlight: number;
}

export const DEFAULT_TUNING: GatewayTuning = {
  hostPollMs: TIMINGS.heartbeatIntervalMs,
  leaseTtlMs: TIMINGS.leaseTtlMs,
  leaseRenewMs: TIMINGS.leaseRenewMs,
  commandTimeoutMs: TIMINGS.commandTimeoutMs,
  streamRequestBurst: 20,
  streamRequestsPerSecond: 5,
  actionBurst: 20,
  actionsPerSecond: 2,
  auditCoalesceMs: 10_000,
  maxStreamsPerSocket: 32,
  socketBufferCapBytes: 512 * 1024,
  socketHardCapBytes: 2 * 1024 * 1024,
  maxUpdateBytes: 64 * 1024,
  drainCheckMs: 100,
  // A client that stops answering is gone within interval + timeout = 20 s.
  pingIntervalMs: 10_000,
  pingTimeoutMs: 10_000,
  countsIntervalMs: 1_000,
  // ~1 MB of initial_state with compose labels: a few hundred ms for a browser to take in.
  fleetViewLine: 2_000,
  alertRulesPollMs: 2_000,
  alertWebhookTimeoutMs: 5_000,
  // 1 + 2 + 4 + 8 s between the 5 attempts: a receiver restarting within ~15 s misses nothing.
  alertAttempts: 5,
  alertRetryBaseMs: 1_000,
  alertMaxInFlight: 200,
};
