import type {
  ClientEventName,
  ClientToServerEvents,
  LogUpdatePayload,
  ServerEventName,
  ServerToClientEvents,
} from '@flotilla/contracts';
import { io, type Socket } from 'socket.io-client';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type PayloadOf<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];
type RequestOf<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<E extends ClientEventName> = Parameters<
  NonNullable<Parameters<ClientToServerEvents[E]>[1]>
>[0];

interface Received {
  event: ServerEventName;
  payload: unknown;
}

interface Waiter {
  event: ServerEventName;
  from: number;
  match: (payload: unknown) => boolean;
  resolve: (payload: unknown) => void;
}

/**
 * A real socket.io-client socket typed by the contract, recording every event it receives in
 * order, with waits that time out (never bare sleeps).
 */
export class TestClient {
  readonly received: Received[] = [];
  private readonly waiters = new Set<Waiter>();

  private constructor(readonly socket: ClientSocket) {
    socket.onAny((event: ServerEventName, payload: unknown) => {
      this.received.push({ event, payload });
      for (const waiter of this.waiters) {
        if (waiter.event === event && waiter.match(payload)) {
          this.waiters.delete(waiter);
          waiter.resolve(payload);
        }
      }
    });
  }

  /**
   * Connects (websocket only; no automatic reconnection unless `reconnect`, which then retries
   * at once, as a page does after its replica dies) and waits for `initial_state`.
   */
  static async connect(
    url: string,
    options: {
      waitInitial?: boolean;
      extraHeaders?: Record<string, string>;
      reconnect?: boolean;
      /** The Socket.IO handshake's `auth` (e.g. `{ view }`). */
      auth?: Record<string, unknown>;
    } = {},
  ): Promise<TestClient> {
    const socket: ClientSocket = io(url, {
      transports: ['websocket'],
      reconnection: options.reconnect ?? false,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      forceNew: true,
      autoConnect: false,
      timeout: 5_000,
      extraHeaders: options.extraHeaders,
      auth: options.auth,
    });
    const client = new TestClient(socket);
    const initial =
      options.waitInitial === false
        ? undefined
        : client.waitFor('initial_state', () => true, 10_000);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => reject(error));
      // A transport that opens and closes before the namespace answers (a replica shutting down)
      // ends in `disconnect`, never `connect_error`: without this the connect waits for ever.
      if (!options.reconnect)
        socket.once('disconnect', (reason) =>
          reject(new Error(`disconnected before connecting: ${reason}`)),
        );
      socket.connect();
    });
    await initial;
    return client;
  }

  get id(): string {
    return this.socket.id ?? '';
  }

  all<E extends ServerEventName>(event: E): PayloadOf<E>[] {
    return this.received.filter((r) => r.event === event).map((r) => r.payload as PayloadOf<E>);
  }

  /** The first `event` (already received or still to come) that `match` accepts. */
  waitFor<E extends ServerEventName>(
    event: E,
    match: (payload: PayloadOf<E>) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<PayloadOf<E>> {
    const seen = this.received.find((r) => r.event === event && match(r.payload as PayloadOf<E>));
    if (seen) return Promise.resolve(seen.payload as PayloadOf<E>);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        event,
        from: this.received.length,
        match: (p) => match(p as PayloadOf<E>),
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p as PayloadOf<E>);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(`client ${this.id}: timed out after ${timeoutMs} ms waiting for "${event}"`),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Emits a request and resolves with its ack. */
  request<E extends ClientEventName>(
    event: E,
    payload: RequestOf<E>,
    timeoutMs = 5_000,
  ): Promise<AckOf<E>> {
    const socket = this.socket.timeout(timeoutMs) as unknown as {
      emitWithAck(event: string, payload: unknown): Promise<unknown>;
    };
    return socket.emitWithAck(event, payload) as Promise<AckOf<E>>;
  }

  /** Emits anything (for invalid payloads) and resolves with the ack. */
  requestRaw(event: string, ...args: unknown[]): Promise<unknown> {
    const socket = this.socket.timeout(5_000) as unknown as {
      emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
    };
    return socket.emitWithAck(event, ...args);
  }

  /** The log updates of a container (gap markers included), in order. */
  logUpdates(containerId: string): LogUpdatePayload[] {
    return this.all('log_update').filter((u) => u.container_id === containerId);
  }

  /** Every log line received for a container, in order (gap markers excluded). */
  logLines(containerId: string): string[] {
    return this.logUpdates(containerId)
      .filter((u) => !u.gap)
      .flatMap((u) => u.log.split('\n').slice(0, -1));
  }

  /** The id of the last log entry received for a container: where a resume starts `after`. */
  lastEntryId(containerId: string): string {
    const entries = this.logUpdates(containerId).flatMap((u) => u.entries);
    if (entries.length === 0) throw new Error(`client ${this.id}: no log entry for ${containerId}`);
    return entries[entries.length - 1].id;
  }

  async waitForLines(containerId: string, count: number, timeoutMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.logLines(containerId).length < count) {
      if (Date.now() > deadline) {
        throw new Error(
          `client ${this.id}: ${this.logLines(containerId).length} of ${count} lines after ${timeoutMs} ms`,
        );
      }
      await this.waitFor(
        'log_update',
        (u) => u.container_id === containerId && this.logLines(containerId).length >= count,
        Math.max(1, deadline - Date.now()),
      ).catch(() => undefined);
    }
    return this.logLines(containerId);
  }

  close(): void {
    this.socket.disconnect();
  }
}
