import { TestBed } from '@angular/core/testing';
import type { LogUpdatePayload, StartLogStreamPayload } from '@flotilla/contracts/core';
import { DEFAULT_WEB_CONFIG, WEB_CONFIG } from '../core/app-config';
import { NotificationService } from '../core/notifications/notification.service';
import { FakeSocket, provideFakeSocket } from '../../testing/fake-socket';
import { HOST_A, cid, container, logUpdate } from '../../testing/fixtures';
import { LogSubscriptionService } from './log-subscription.service';

const ID = cid('a1');
const FLEET = [container({ host_id: HOST_A, container_id: ID })];

describe('LogSubscriptionService', () => {
  let socket: FakeSocket;
  let service: LogSubscriptionService;
  let notifications: NotificationService;

  beforeEach(() => {
    jest.useFakeTimers();
    socket = new FakeSocket();
    TestBed.configureTestingModule({
      providers: [
        provideFakeSocket(socket),
        { provide: WEB_CONFIG, useValue: { ...DEFAULT_WEB_CONFIG, logTail: 100 } },
      ],
    });
    service = TestBed.inject(LogSubscriptionService);
    notifications = TestBed.inject(NotificationService);
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
  });

  const starts = (): StartLogStreamPayload[] =>
    socket.sent('start_log_stream').map((e) => e.payload as StartLogStreamPayload);
  const ackStarts = (): void =>
    socket.ackAll('start_log_stream', (p: unknown) => ({
      status: 'stream_started',
      container_id: ID,
      host_id: (p as StartLogStreamPayload).host_id,
    }));
  const send = (update: LogUpdatePayload): void => socket.serverSend('log_update', update);

  it('starts a stream once connected, with the default backfill', () => {
    const stream = service.acquire(HOST_A, ID);
    expect(starts()).toEqual([]);
    socket.serverConnect();
    socket.serverFleet(FLEET);
    expect(starts()).toEqual([{ container_id: ID, host_id: HOST_A, tail: 100 }]);
    ackStarts();
    return Promise.resolve().then(() => expect(stream.status()).toBe('streaming'));
  });

  it('shares one stream between viewers and stops it when the last leaves', () => {
    socket.serverConnect();
    const a = service.acquire(HOST_A, ID);
    const b = service.acquire(HOST_A, ID);
    expect(a).toBe(b);
    expect(starts()).toHaveLength(1);
    service.release(a);
    expect(socket.sent('stop_log_stream')).toHaveLength(0);
    service.release(b);
    expect(socket.sent('stop_log_stream').map((e) => e.payload)).toEqual([
      { container_id: ID, host_id: HOST_A },
    ]);
  });

  it('resumes with `after` = the last entry id seen after a reconnect: no duplicate, no gap', () => {
    socket.serverConnect();
    const stream = service.acquire(HOST_A, ID);
    ackStarts();
    send(logUpdate({ firstLine: 1, count: 10, perEntry: 5 }));
    send(logUpdate({ firstLine: 11, count: 2 }));

    socket.serverDisconnect();
    socket.serverConnect();
    // Renewed once the fresh fleet has come, not before.
    expect(starts()).toHaveLength(1);
    socket.serverFleet(FLEET);
    expect(starts()[1]).toEqual({ container_id: ID, host_id: HOST_A, after: '12-0' });

    // The gateway replays from after 12, and (racing) something already seen.
    send(logUpdate({ firstLine: 11, count: 2 }));
    send(logUpdate({ firstLine: 13, count: 3 }));
    jest.advanceTimersByTime(20);

    const lineNos = stream.ring.toArray().map((l) => l.lineNo);
    expect(lineNos).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });

  it('resumes a stream from a time holding only Docker’s lines from the last one’s time: none twice', () => {
    const since = '2024-05-01T10:00:00Z';
    const history = (firstLine: number, count: number): LogUpdatePayload => ({
      ...logUpdate({ firstLine, count }),
      entries: [],
      history: true,
    });
    socket.serverConnect();
    socket.serverFleet(FLEET);
    const stream = service.acquire(HOST_A, ID, since);
    expect(starts()).toEqual([{ container_id: ID, host_id: HOST_A, since }]);
    ackStarts();
    send(history(1, 3));
    jest.advanceTimersByTime(20);
    send(history(4, 2));
    // The socket drops before any line with an entry id came.
    socket.serverDisconnect();
    socket.serverConnect();
    socket.serverFleet(FLEET);
    const lastHeld = logUpdate({ firstLine: 5, count: 1 }).log.split(' ')[0];
    expect(starts()[1]).toEqual({ container_id: ID, host_id: HOST_A, since: lastHeld });

    // From that time: Docker's line 5 again, then the retained stream.
    send(history(5, 2));
    send(logUpdate({ firstLine: 7, count: 2 }));
    jest.advanceTimersByTime(20);
    expect(stream.ring.toArray().map((l) => l.plain)).toEqual(
      Array.from({ length: 8 }, (_, i) => `line ${i + 1}`),
    );
    expect(stream.cursor).toBe('8-0');
  });

  it('counts updates received before a reconnect even if they were not rendered yet', () => {
    socket.serverConnect();
    service.acquire(HOST_A, ID);
    send(logUpdate({ firstLine: 1, count: 3 }));
    // No timer advanced: the batch is still pending when the connection drops.
    socket.serverDisconnect();
    socket.serverConnect();
    socket.serverFleet(FLEET);
    expect(starts()[1]?.after).toBe('3-0');
  });

  it('does not ask again for a stream whose container went while the socket was away', () => {
    socket.serverConnect();
    const stream = service.acquire(HOST_A, ID);
    ackStarts();
    socket.serverDisconnect();
    socket.serverConnect();
    socket.serverFleet([container({ host_id: HOST_A, container_id: cid('b2') })]);
    expect(starts()).toHaveLength(1);
    expect(stream.status()).toBe('stopped');
  });

  it('renders a flood of updates in one flush', () => {
    socket.serverConnect();
    const stream = service.acquire(HOST_A, ID);
    for (let i = 0; i < 500; i++) send(logUpdate({ firstLine: i * 2 + 1, count: 2 }));
    expect(stream.version()).toBe(0);
    jest.advanceTimersByTime(DEFAULT_WEB_CONFIG.logFlushMs);
    expect(stream.version()).toBe(1);
    expect(stream.ring.length).toBe(1000);
  });

  it('routes updates to their own stream only', () => {
    socket.serverConnect();
    const a = service.acquire(HOST_A, ID);
    const b = service.acquire('host-b', ID);
    send(logUpdate({ firstLine: 1, count: 2, hostId: 'host-b' }));
    jest.advanceTimersByTime(20);
    expect(a.ring.length).toBe(0);
    expect(b.ring.length).toBe(2);
  });

  it('shows a gap marker and re-requests what the gateway dropped', () => {
    socket.serverConnect();
    const stream = service.acquire(HOST_A, ID);
    send(logUpdate({ firstLine: 1, count: 4 }));
    send({
      ...logUpdate({ firstLine: 1, count: 0 }),
      log: '40 lines dropped\n',
      entries: [],
      gap: { reason: 'dropped', lost: 40, resume_after: '4-0' },
    });
    expect(starts().at(-1)).toEqual({ container_id: ID, host_id: HOST_A, after: '4-0' });
    jest.advanceTimersByTime(20);
    expect(stream.ring.toArray().map((l) => l.kind)).toEqual([
      'line',
      'line',
      'line',
      'line',
      'gap',
    ]);
  });

  it('tells the user when a stream cannot start', async () => {
    socket.serverConnect();
    const stream = service.acquire(HOST_A, ID);
    socket.ackAll('start_log_stream', {
      status: 'error',
      error: 'No such container',
      code: 'unknown_container',
    });
    await Promise.resolve();
    expect(stream.status()).toBe('error');
    expect(notifications.notifications().map((n) => n.message)).toEqual([
      `Logs of ${ID.slice(0, 12)} on ${HOST_A}: No such container`,
    ]);
  });

  it('marks a stream stopped by the gateway and says why', () => {
    socket.serverConnect();
    const stream = service.acquire(HOST_A, ID);
    socket.serverSend('log_stream_stopped', {
      container_id: ID,
      host_id: HOST_A,
      message: 'Container removed',
      reason: 'removed',
    });
    expect(stream.status()).toBe('stopped');
    expect(stream.message()).toBe('Container removed');
    expect(notifications.notifications()).toHaveLength(1);
  });
});
