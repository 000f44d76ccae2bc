import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ServerEventName, ServerToClientEvents } from '@flotilla/contracts';
import { GATEWAY_TUNING } from '../core/tokens';
import type { GatewayTuning } from '../core/gateway-tuning';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { ClientConnection } from './client-connection';

/** The parts of engine.io's socket the outbox reads to know how much is queued for a client. */
interface EngineConnection {
  writeBuffer?: { data?: unknown }[];
  transport?: { socket?: { bufferedAmount?: number; terminate?: () => void } };
}

/**
 * What has been counted of each engine.io write buffer. A buffer only grows until a flush swaps
 * it for a new array, so counting only the packets added since the last look keeps `send` O(1):
 * walking the whole buffer on every send made a client that fell behind cost its replica time
 * quadratic in its queue, enough to stall the event loop at a few thousand sockets.
 */
const counted = new WeakMap<object, { packets: number; bytes: number }>();

interface RoomWaiter {
  connection: ClientConnection;
  below: number;
  resolve: (ok: boolean) => void;
}

/**
 * Every message to a client goes through here: typed by the contract's event map, counted, and
 * measured against the client's queue so slow clients cannot make the replica buffer without
 * bound. Live lines are dropped above the soft cap and paced sends wait below it; whatever is
 * still queued above the hard cap (acks, errors, state changes a client never reads) ends the
 * connection.
 */
@Injectable()
export class ClientOutbox implements OnModuleDestroy {
  private readonly logger = new Logger(ClientOutbox.name);
  private readonly waiters = new Set<RoomWaiter>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly metrics: GatewayMetrics,
    @Inject(GATEWAY_TUNING) private readonly tuning: GatewayTuning,
  ) {}

  send<E extends ServerEventName>(
    connection: ClientConnection,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    if (connection.closed || !this.admits(connection)) return;
    this.metrics.messagesOut.inc({ event });
    (connection.socket.emit as (event: string, ...args: unknown[]) => boolean)(event, ...args);
  }

  /**
   * One message to many clients, encoded once: socket.io's local broadcast builds the packet and
   * its websocket frame a single time and writes that frame to each socket, where `send` would
   * encode the payload again per socket. Each client is admitted as by `send`.
   */
  broadcast<E extends ServerEventName>(
    connections: readonly ClientConnection[],
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    if (connections.length === 1) {
      this.send(connections[0], event, ...args);
      return;
    }
    const ids: string[] = [];
    for (const connection of connections) if (this.admits(connection)) ids.push(connection.id);
    if (ids.length === 0) return;
    this.metrics.messagesOut.inc({ event }, ids.length);
    const room = connections[0].socket.nsp.local.to(ids);
    (room.emit as (event: string, ...args: unknown[]) => boolean)(event, ...args);
  }

  /** Bytes queued for the client: engine.io's write buffer plus what the websocket holds. */
  bufferedBytes(connection: ClientConnection): number {
    const conn = connection.socket.conn as unknown as EngineConnection;
    const queued = conn.transport?.socket?.bufferedAmount ?? 0;
    const buffer = conn.writeBuffer;
    if (!buffer || buffer.length === 0) return queued;
    let tally = counted.get(buffer);
    if (!tally) counted.set(buffer, (tally = { packets: 0, bytes: 0 }));
    for (; tally.packets < buffer.length; tally.packets++) {
      const data = buffer[tally.packets].data;
      if (typeof data === 'string') tally.bytes += data.length;
      else if (data instanceof Uint8Array) tally.bytes += data.byteLength;
    }
    return queued + tally.bytes;
  }

  /** Is the client's queue over `cap` (by default the cap above which live lines are dropped)? */
  isBackedUp(connection: ClientConnection, cap = this.tuning.socketBufferCapBytes): boolean {
    return this.bufferedBytes(connection) > cap;
  }

  /**
   * May the client be sent (or asked to answer) anything more? Not once its queue is over the
   * hard cap: a client that does not read what it asked for is disconnected, and the bytes
   * queued for it are released at once.
   */
  admits(connection: ClientConnection): boolean {
    if (connection.closed) return false;
    const queued = this.bufferedBytes(connection);
    if (queued <= this.tuning.socketHardCapBytes) return true;
    connection.closed = true;
    this.metrics.overflowedSockets.inc();
    this.logger.warn(
      `socket ${connection.id} (${connection.principal.user}) disconnected: ${queued} bytes queued, over the ${this.tuning.socketHardCapBytes} cap`,
    );
    const conn = connection.socket.conn as unknown as EngineConnection;
    connection.socket.disconnect(true);
    // A graceful close would wait for the queue to drain, which this client never does.
    conn.transport?.socket?.terminate?.();
    return false;
  }

  /**
   * Resolves true once the client's queue is at most `below` bytes (by default the cap), false
   * if the client goes away or `signal` aborts first (the wait then holds nothing).
   */
  whenRoom(
    connection: ClientConnection,
    below = this.tuning.socketBufferCapBytes,
    signal?: AbortSignal,
  ): Promise<boolean> {
    if (connection.closed || signal?.aborted) return Promise.resolve(false);
    if (this.bufferedBytes(connection) <= below) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: RoomWaiter = {
        connection,
        below,
        resolve: (ok) => {
          signal?.removeEventListener('abort', abort);
          resolve(ok);
        },
      };
      const abort = (): void => {
        if (this.waiters.delete(waiter)) waiter.resolve(false);
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.waiters.add(waiter);
      this.timer ??= setInterval(() => this.check(), this.tuning.drainCheckMs);
    });
  }

  get waiting(): number {
    return this.waiters.size;
  }

  onModuleDestroy(): void {
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters.clear();
    this.stopTimer();
  }

  private check(): void {
    for (const waiter of this.waiters) {
      if (waiter.connection.closed) {
        this.waiters.delete(waiter);
        waiter.resolve(false);
      } else if (this.bufferedBytes(waiter.connection) <= waiter.below) {
        this.waiters.delete(waiter);
        waiter.resolve(true);
      }
    }
    if (this.waiters.size === 0) this.stopTimer();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
