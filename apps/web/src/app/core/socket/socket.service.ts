import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { Observable, Subject } from 'rxjs';
import type {
  ConnectionEstablishedPayload,
  ContainerAction,
  ErrorPayload,
} from '@flotilla/contracts/core';
import { WEB_CONFIG } from '../app-config';
import { WINDOW } from '../browser/browser.tokens';
import { NotificationService } from '../notifications/notification.service';
import {
  type AckOf,
  type ClientEvent,
  type ClientPayload,
  type ConnectionState,
  FLOTILLA_SOCKET,
  RequestFailedError,
  type ServerEvent,
  type ServerPayload,
  isErrorAck,
} from './socket.types';

/** Consecutive failed attempts after which "reconnecting" becomes "offline". */
const OFFLINE_AFTER_FAILURES = 3;

/** The untyped face of the socket, for the few generic calls TypeScript cannot follow. */
interface LooseSocket {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
}

const REFUSED_KEY = 'connection-refused';

function serverErrorKey(error: string): string {
  return `server-error:${error}`;
}

export interface ConnectEvent {
  /** False for the first connection of the tab, true for every later one. */
  reconnect: boolean;
}

export interface DisconnectEvent {
  /** When the connection was lost: what the page shows is as of then. */
  at: Date;
}

/**
 * The tab's one socket. Owns the connection state the header shows, measures round-trip time
 * with `heartbeat`, turns server `error` events into notifications, and offers typed `on` and
 * `request` (emit with an ack and a deadline) to the feature services.
 */
@Injectable({ providedIn: 'root' })
export class SocketService {
  private readonly socket = inject(FLOTILLA_SOCKET);
  private readonly loose = this.socket as unknown as LooseSocket;
  private readonly config = inject(WEB_CONFIG);
  private readonly notifications = inject(NotificationService);
  private readonly win = inject(WINDOW);

  private readonly stateSignal = signal<ConnectionState>('reconnecting');
  private readonly latencySignal = signal<number | null>(null);
  private readonly everConnectedSignal = signal(false);
  private readonly serverSignal = signal<ConnectionEstablishedPayload | null>(null);
  private readonly allowedActionsSignal = signal<readonly ContainerAction[] | null>(null);
  private readonly managesAlertsSignal = signal(false);
  private readonly connectsSubject = new Subject<ConnectEvent>();
  private readonly disconnectsSubject = new Subject<DisconnectEvent>();
  private readonly lostAtSignal = signal<Date | null>(null);
  private readonly failedAttemptsSignal = signal(0);
  private readonly browserOfflineSignal = signal(false);
  private readonly pending = new Set<(error: RequestFailedError) => void>();
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  /** connected, reconnecting (or connecting for the first time), offline. */
  readonly state = this.stateSignal.asReadonly();
  /** Round-trip time of the last heartbeat, in ms; null until measured or while disconnected. */
  readonly latencyMs = this.latencySignal.asReadonly();
  /** Whether this tab ever reached the gateway (to tell "connecting" from "reconnecting"). */
  readonly everConnected = this.everConnectedSignal.asReadonly();
  /** What the gateway said about itself on the current connection. */
  readonly server = this.serverSignal.asReadonly();
  /**
   * What the user's role allows, as the gateway said on connecting; kept while away, so the
   * offered actions do not flicker on a reconnection (null until it says, or if it does not: all).
   */
  readonly allowedActions = this.allowedActionsSignal.asReadonly();
  /**
   * Whether the gateway said this user manages alert rules (admins of the whole fleet); kept
   * while away like `allowedActions`. False until it says: the rule editor is offered only then.
   */
  readonly managesAlerts = this.managesAlertsSignal.asReadonly();
  /** Every successful connection; streams and subscriptions restart from here. */
  readonly connects$: Observable<ConnectEvent> = this.connectsSubject.asObservable();
  /** Every lost connection (not the first failure to connect). */
  readonly disconnects$: Observable<DisconnectEvent> = this.disconnectsSubject.asObservable();
  /** When the live connection was lost; null while connected and before the first connection. */
  readonly lostAt = this.lostAtSignal.asReadonly();
  /** Attempts to (re)connect that failed since the connection was last up. */
  readonly failedAttempts = this.failedAttemptsSignal.asReadonly();
  /** The browser itself says it has no network (so the gateway is not to blame). */
  readonly browserIsOffline = this.browserOfflineSignal.asReadonly();
  /** The longest wait between two reconnection attempts, in ms (Socket.IO's backoff cap). */
  readonly retryDelayMaxMs = this.config.reconnectionDelayMaxMs;

  constructor() {
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('disconnect', (reason) => this.onDisconnect(reason));
    this.socket.on('connect_error', (error) => this.onConnectError(error));
    this.socket.on('connection_established', (payload) => {
      this.serverSignal.set(payload);
      this.allowedActionsSignal.set(payload.actions ?? null);
      this.managesAlertsSignal.set(payload.manage_alerts === true);
    });
    this.socket.on('error', (payload) => this.onServerError(payload));

    const offline = (): void => {
      this.browserOfflineSignal.set(true);
      this.stateSignal.set('offline');
    };
    const online = (): void => this.onBrowserOnline();
    this.win.addEventListener('offline', offline);
    this.win.addEventListener('online', online);

    inject(DestroyRef).onDestroy(() => {
      this.win.removeEventListener('offline', offline);
      this.win.removeEventListener('online', online);
      this.stopHeartbeat();
      if (this.retryTimer !== null) clearTimeout(this.retryTimer);
      this.connectsSubject.complete();
      this.disconnectsSubject.complete();
      this.socket.disconnect();
    });

    // A socket handed over already connected (it should not be) still gets its state right.
    if (this.socket.connected) this.onConnect();
    else this.socket.connect();
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** A server event as an observable; unsubscribing removes the listener. */
  on<E extends ServerEvent>(event: E): Observable<ServerPayload<E>> {
    return new Observable<ServerPayload<E>>((subscriber) => {
      const listener = (payload: ServerPayload<E>): void => subscriber.next(payload);
      this.loose.on(event, listener);
      return () => this.loose.off(event, listener);
    });
  }

  /**
   * Emits with an ack. Resolves with the ack (which may be an `ErrorAck`); rejects with
   * `RequestFailedError` when not connected, when the connection drops, or when no ack comes
   * within the deadline.
   */
  request<E extends ClientEvent>(
    event: E,
    payload: ClientPayload<E>,
    timeoutMs = this.config.ackTimeoutMs,
  ): Promise<AckOf<E>> {
    if (!this.socket.connected) {
      return Promise.reject(new RequestFailedError('Not connected to the gateway', 'offline'));
    }
    return new Promise<AckOf<E>>((resolve, reject) => {
      const fail = (error: RequestFailedError): void => {
        clearTimeout(timer);
        this.pending.delete(fail);
        reject(error);
      };
      const timer = setTimeout(
        () =>
          fail(
            new RequestFailedError(
              `No answer from the gateway within ${Math.round(timeoutMs / 1000)} s`,
              'timeout',
            ),
          ),
        timeoutMs,
      );
      this.pending.add(fail);
      this.loose.emit(event, payload, (ack: AckOf<E>) => {
        if (!this.pending.has(fail)) return;
        clearTimeout(timer);
        this.pending.delete(fail);
        resolve(ack);
      });
    });
  }

  /** Sends a request whose only news is a failure, reported as `what`. */
  send<E extends ClientEvent>(event: E, payload: ClientPayload<E>, what: string): void {
    this.request(event, payload).then(
      (ack) => {
        if (isErrorAck(ack)) this.reportFailure(what, ack);
      },
      (error: unknown) => this.reportFailure(what, error),
    );
  }

  /** Shows why a request failed: an error ack, a timeout, a lost connection. */
  reportFailure(what: string, failure: unknown): void {
    if (isErrorAck(failure)) {
      this.notifications.showNotification({
        type: 'error',
        message: `${what}: ${failure.error}`,
        detail: failure.code,
        // The gateway may also have sent this as an `error` event: one notice, the clearer text.
        key: serverErrorKey(failure.error),
      });
    } else if (failure instanceof RequestFailedError) {
      this.notifications.showNotification({
        type: 'error',
        message: `${what}: ${failure.message}`,
      });
    } else {
      this.notifications.showNotification({
        type: 'error',
        message: `${what}: ${failure instanceof Error ? failure.message : 'unknown error'}`,
      });
    }
  }

  private onConnect(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.failedAttemptsSignal.set(0);
    this.lostAtSignal.set(null);
    this.browserOfflineSignal.set(false);
    this.notifications.dismissKey(REFUSED_KEY);
    const reconnect = this.everConnectedSignal();
    this.everConnectedSignal.set(true);
    this.stateSignal.set('connected');
    this.startHeartbeat();
    this.connectsSubject.next({ reconnect });
  }

  private onDisconnect(reason: string): void {
    this.stopHeartbeat();
    this.latencySignal.set(null);
    this.serverSignal.set(null);
    const lost = new RequestFailedError('The connection to the gateway was lost', 'offline');
    [...this.pending].forEach((fail) => fail(lost));
    const at = new Date();
    this.lostAtSignal.set(at);
    this.browserOfflineSignal.set(this.browserOffline());
    this.disconnectsSubject.next({ at });
    if (reason === 'io client disconnect') {
      this.stateSignal.set('offline');
      return;
    }
    this.stateSignal.set(this.browserOffline() ? 'offline' : 'reconnecting');
    // A server-side disconnect is final for Socket.IO; the dashboard keeps trying anyway.
    if (reason === 'io server disconnect') this.retryLater();
  }

  private onConnectError(error: Error): void {
    this.failedAttemptsSignal.update((n) => n + 1);
    this.browserOfflineSignal.set(this.browserOffline());
    const socketActive = (this.socket as { active?: boolean }).active !== false;
    if (!socketActive) {
      // The gateway refused the connection (not a network failure): say why, then keep trying.
      this.notifications.showNotification({
        type: 'error',
        message: `The gateway refused the connection: ${error.message}`,
        key: REFUSED_KEY,
        // It holds until the next successful connection: the user has to act (log in again).
        sticky: true,
      });
      this.retryLater();
    }
    const offline = this.browserOffline() || this.failedAttemptsSignal() >= OFFLINE_AFTER_FAILURES;
    this.stateSignal.set(offline ? 'offline' : 'reconnecting');
  }

  private onServerError(payload: ErrorPayload): void {
    const detail = [payload.code, payload.correlation_id && `ref ${payload.correlation_id}`]
      .filter(Boolean)
      .join(' · ');
    const message = payload.error || 'The gateway reported an error';
    const key = serverErrorKey(message);
    // A failed request's ack says the same, with context: keep that wording if it came first.
    const shown = this.notifications.notifications().find((n) => n.key === key);
    if (shown && shown.message !== message) return;
    this.notifications.showNotification({
      type: 'error',
      message,
      detail: detail || undefined,
      key,
    });
  }

  private onBrowserOnline(): void {
    this.browserOfflineSignal.set(false);
    if (this.socket.connected) return;
    this.stateSignal.set('reconnecting');
    if ((this.socket as { active?: boolean }).active === false) this.socket.connect();
  }

  private retryLater(): void {
    if (this.retryTimer !== null) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.socket.connected) this.socket.connect();
    }, this.config.reconnectionDelayMaxMs);
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.beat();
    this.heartbeatTimer = setInterval(() => this.beat(), this.config.heartbeatIntervalMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private beat(): void {
    const sentAt = Date.now();
    this.request('heartbeat', { sent_at: sentAt }, this.config.heartbeatIntervalMs).then(
      (ack) => {
        if (isErrorAck(ack)) {
          this.reportFailure('Heartbeat', ack);
          return;
        }
        this.latencySignal.set(Math.max(0, Date.now() - sentAt));
      },
      (error: unknown) => {
        // A lost connection shows in the connection state; only a silent gateway is news.
        if (error instanceof RequestFailedError && error.reason === 'timeout') {
          this.latencySignal.set(null);
          this.notifications.showNotification({
            type: 'warning',
            message: 'The gateway is not answering heartbeats',
            key: 'heartbeat-timeout',
          });
        }
      },
    );
  }

  private browserOffline(): boolean {
    return this.win.navigator.onLine === false;
  }
}
