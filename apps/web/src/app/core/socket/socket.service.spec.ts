import { TestBed } from '@angular/core/testing';
import type { HeartbeatPayload } from '@flotilla/contracts/core';
import { FakeSocket, provideFakeSocket } from '../../../testing/fake-socket';
import { DEFAULT_WEB_CONFIG } from '../app-config';
import { NotificationService } from '../notifications/notification.service';
import { SocketService } from './socket.service';
import { RequestFailedError } from './socket.types';

describe('SocketService', () => {
  let socket: FakeSocket;
  let service: SocketService;
  let notifications: NotificationService;

  beforeEach(() => {
    jest.useFakeTimers();
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    service = TestBed.inject(SocketService);
    notifications = TestBed.inject(NotificationService);
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
  });

  const messages = (): string[] => notifications.notifications().map((n) => n.message);

  it('connects once, after its listeners are in place', () => {
    expect(socket.connectCalls).toBe(1);
    expect(socket.listenerCount('connect')).toBe(1);
    expect(socket.listenerCount('error')).toBe(1);
  });

  it('shows connecting, connected, then reconnecting after a drop', () => {
    expect(service.state()).toBe('reconnecting');
    expect(service.everConnected()).toBe(false);
    socket.serverConnect();
    expect(service.state()).toBe('connected');
    socket.serverDisconnect('transport close');
    expect(service.state()).toBe('reconnecting');
    expect(service.everConnected()).toBe(true);
  });

  it('goes offline after repeated failed attempts and back on connect', () => {
    const error = new Error('xhr poll error');
    socket.serverSend('connect_error', error);
    socket.serverSend('connect_error', error);
    expect(service.state()).toBe('reconnecting');
    socket.serverSend('connect_error', error);
    expect(service.state()).toBe('offline');
    socket.serverConnect();
    expect(service.state()).toBe('connected');
  });

  it('tells whether the user manages alert rules, kept across a reconnection', () => {
    const established = (manage_alerts?: boolean): void =>
      socket.serverSend('connection_established', {
        message: 'Connected to Flotilla',
        protocol_version: 1,
        server_id: 'gw-1',
        user: 'root',
        ...(manage_alerts === undefined ? {} : { manage_alerts }),
      });
    expect(service.managesAlerts()).toBe(false);
    socket.serverConnect();
    established(true);
    expect(service.managesAlerts()).toBe(true);
    socket.serverDisconnect('transport close');
    expect(service.managesAlerts()).toBe(true);
    socket.serverConnect();
    established(false);
    expect(service.managesAlerts()).toBe(false);
    // An older gateway says nothing: nothing is offered.
    established();
    expect(service.managesAlerts()).toBe(false);
  });

  it('keeps trying after the server disconnects it, which Socket.IO would not', () => {
    socket.serverConnect();
    socket.serverDisconnect('io server disconnect');
    expect(socket.connectCalls).toBe(1);
    jest.advanceTimersByTime(DEFAULT_WEB_CONFIG.reconnectionDelayMaxMs);
    expect(socket.connectCalls).toBe(2);
  });

  it('tells every subscriber about each connection, first and later', () => {
    const events: boolean[] = [];
    service.connects$.subscribe((e) => events.push(e.reconnect));
    socket.serverConnect();
    socket.serverDisconnect();
    socket.serverConnect();
    expect(events).toEqual([false, true]);
  });

  it('measures the round-trip time from the heartbeat ack', async () => {
    socket.serverConnect();
    const [beat] = socket.sent('heartbeat');
    const sentAt = (beat?.payload as HeartbeatPayload).sent_at;
    jest.advanceTimersByTime(42);
    beat?.ack?.({ status: 'ok', sent_at: sentAt, server_time: sentAt + 20 });
    await Promise.resolve();
    expect(service.latencyMs()).toBe(42);
    jest.advanceTimersByTime(DEFAULT_WEB_CONFIG.heartbeatIntervalMs);
    expect(socket.sent('heartbeat')).toHaveLength(2);
  });

  it('stops the heartbeat while disconnected', () => {
    socket.serverConnect();
    socket.serverDisconnect();
    jest.advanceTimersByTime(DEFAULT_WEB_CONFIG.heartbeatIntervalMs * 3);
    expect(socket.sent('heartbeat')).toHaveLength(1);
    expect(service.latencyMs()).toBeNull();
  });

  it('shows server errors as notifications, code and reference included', () => {
    socket.serverSend('error', {
      error: 'Too many requests',
      code: 'rate_limited',
      correlation_id: 'c-42',
    });
    expect(notifications.notifications()).toMatchObject([
      { type: 'error', message: 'Too many requests', detail: 'rate_limited · ref c-42' },
    ]);
  });

  it('resolves a request with its ack', async () => {
    socket.serverConnect();
    const pending = service.request('subscribe', {});
    socket.ackAll('subscribe', { status: 'ok' });
    await expect(pending).resolves.toEqual({ status: 'ok' });
  });

  it('fails a request at once when not connected', async () => {
    await expect(service.request('subscribe', {})).rejects.toMatchObject({ reason: 'offline' });
    expect(socket.sent('subscribe')).toHaveLength(0);
  });

  it('fails a request with no ack in time, and one whose connection dropped', async () => {
    socket.serverConnect();
    const slow = service.request('subscribe', {}, 1000);
    jest.advanceTimersByTime(1000);
    await expect(slow).rejects.toBeInstanceOf(RequestFailedError);
    const cut = service.request('subscribe', {});
    socket.serverDisconnect();
    await expect(cut).rejects.toMatchObject({ reason: 'offline' });
  });

  it('reports failures with what was being done', () => {
    service.reportFailure('Stopping web-1', {
      status: 'error',
      error: 'permission denied',
      code: 'forbidden',
    });
    service.reportFailure(
      'Starting db',
      new RequestFailedError('No answer from the gateway within 20 s', 'timeout'),
    );
    expect(messages()).toEqual([
      'Stopping web-1: permission denied',
      'Starting db: No answer from the gateway within 20 s',
    ]);
  });

  it('shows one notice when a failure comes both as an error event and as an error ack', () => {
    const ack = {
      status: 'error' as const,
      error: 'stop failed: no answer',
      code: 'command_failed' as const,
    };
    socket.serverSend('error', { error: 'stop failed: no answer', code: 'command_failed' });
    service.reportFailure('Could not stop web-1', ack);
    expect(notifications.notifications()).toMatchObject([
      { message: 'Could not stop web-1: stop failed: no answer', count: 1 },
    ]);
    service.reportFailure('Could not stop db', { ...ack, error: 'other' });
    socket.serverSend('error', { error: 'other', code: 'command_failed' });
    expect(messages()).toEqual([
      'Could not stop web-1: stop failed: no answer',
      'Could not stop db: other',
    ]);
  });

  it('counts a server error that repeats', () => {
    socket.serverSend('error', { error: 'Too many requests', code: 'rate_limited' });
    socket.serverSend('error', { error: 'Too many requests', code: 'rate_limited' });
    expect(notifications.notifications()).toMatchObject([
      { message: 'Too many requests', count: 2 },
    ]);
  });

  it('notifies once when the gateway refuses the connection', () => {
    socket.active = false;
    socket.serverSend('connect_error', new Error('unauthenticated'));
    socket.serverSend('connect_error', new Error('unauthenticated'));
    expect(notifications.notifications()).toHaveLength(1);
    expect(notifications.notifications()[0]?.count).toBe(2);
  });

  it('tells when the connection was lost and how many attempts failed since', () => {
    const lost: Date[] = [];
    service.disconnects$.subscribe(({ at }) => lost.push(at));
    socket.serverSend('connect_error', new Error('refused'));
    expect(service.lostAt()).toBeNull();
    expect(service.failedAttempts()).toBe(1);
    socket.serverConnect();
    expect(service.failedAttempts()).toBe(0);
    jest.setSystemTime(new Date('2024-05-01T10:15:30Z'));
    socket.serverDisconnect();
    expect(service.lostAt()).toEqual(new Date('2024-05-01T10:15:30Z'));
    expect(lost).toEqual([new Date('2024-05-01T10:15:30Z')]);
    socket.serverSend('connect_error', new Error('refused'));
    socket.serverSend('connect_error', new Error('refused'));
    expect(service.failedAttempts()).toBe(2);
    expect(service.browserIsOffline()).toBe(false);
    socket.serverConnect();
    expect(service.lostAt()).toBeNull();
    expect(service.failedAttempts()).toBe(0);
  });

  it('takes the refused-connection notice down once connected', () => {
    socket.active = false;
    socket.serverSend('connect_error', new Error('unauthorized'));
    jest.advanceTimersByTime(60_000);
    expect(messages()).toEqual(['The gateway refused the connection: unauthorized']);
    socket.active = true;
    socket.serverConnect();
    expect(messages()).toEqual([]);
  });
});
