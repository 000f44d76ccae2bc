import { TokenBucket } from '../core/token-bucket';
import type { Principal } from '../auth/principal';
import { SocketCursors } from '../fleet/socket-cursors';
import { SubscriptionFilter } from '../fleet/subscription-filter';
import type { FleetSocket } from './socket-types';

/** What the replica keeps for one connected socket. */
export class ClientSession {
  /** Position in each host's event stream: each change reaches the socket once. */
  readonly cursors = new SocketCursors();
  /** Hosts being introduced to the socket after `initial_state` (found later). */
  readonly introducing = new Set<string>();
  /** Hosts whose events the socket is reading by range to catch up. */
  readonly catchingUp = new Set<string>();
  /** Log stream keys (RedisKeys.logs) this socket watches. */
  readonly logKeys = new Set<string>();
  /** Stats stream keys (RedisKeys.stats) this socket watches. */
  readonly statsKeys = new Set<string>();
  filter: SubscriptionFilter = SubscriptionFilter.everything;
  /** `initial_state` has been sent. */
  ready = false;
  closed = false;

  constructor(
    readonly socket: FleetSocket,
    readonly principal: Principal,
    readonly streamRequests: TokenBucket,
  ) {}

  get id(): string {
    return this.socket.id;
  }

  get streamCount(): number {
    return this.logKeys.size + this.statsKeys.size;
  }
}
