import { TestBed } from '@angular/core/testing';
import { DEFAULT_WEB_CONFIG } from '../core/app-config';
import { FakeSocket, provideFakeSocket } from '../../testing/fake-socket';
import { HOST_A, HOST_B, cid, container, host } from '../../testing/fixtures';
import { NotificationService } from '../core/notifications/notification.service';
import { FleetStore } from './fleet.store';

describe('FleetStore', () => {
  let socket: FakeSocket;
  let store: FleetStore;

  beforeEach(() => {
    jest.useFakeTimers();
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    store = TestBed.inject(FleetStore);
    socket.serverConnect();
    socket.serverSend('initial_state', {
      containers: [
        container({ revision: 2 }),
        container({ container_id: cid('c3'), host_id: HOST_B, name: 'cache' }),
      ],
      hosts: [host(), host({ host_id: HOST_B })],
      position: {},
    });
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
  });

  it('is loaded by the initial state', () => {
    expect(store.loaded()).toBe(true);
    expect(store.containers()).toHaveLength(2);
    expect(store.hosts().map((h) => h.host_id)).toEqual([HOST_A, HOST_B]);
  });

  it('applies state changes in one batch, newest revision winning', () => {
    const before = store.containers();
    socket.serverSend('container_state_change', container({ state: 'exited', revision: 4 }));
    socket.serverSend('container_state_change', container({ state: 'running', revision: 3 }));
    expect(store.containers()).toBe(before);
    jest.advanceTimersByTime(DEFAULT_WEB_CONFIG.fleetFlushMs);
    expect(store.find(HOST_A, cid('a1'))?.state).toBe('exited');
  });

  it('marks a host offline and keeps its containers', () => {
    socket.serverSend('host_state_change', host({ host_id: HOST_B, online: false }));
    jest.advanceTimersByTime(DEFAULT_WEB_CONFIG.fleetFlushMs);
    expect(store.isHostOnline(HOST_B)).toBe(false);
    expect(store.find(HOST_B, cid('c3'))?.name).toBe('cache');
  });

  it('replaces the snapshot on the initial state sent after a reconnect', () => {
    socket.serverDisconnect();
    socket.serverConnect();
    socket.serverSend('initial_state', {
      containers: [container({ revision: 2 })],
      hosts: [host(), host({ host_id: HOST_B })],
      position: {},
    });
    expect(store.find(HOST_B, cid('c3'))).toBeUndefined();
    expect(store.containers()).toHaveLength(1);
  });

  describe('across an outage', () => {
    const messages = (): string[] =>
      TestBed.inject(NotificationService)
        .notifications()
        .map((n) => n.message);

    it('is stale from the drop until the fresh initial state, with the time it was last true', () => {
      expect(store.staleSince()).toBeNull();
      jest.setSystemTime(new Date('2024-05-01T10:15:30Z'));
      socket.serverDisconnect();
      expect(store.staleSince()).toEqual(new Date('2024-05-01T10:15:30Z'));
      socket.serverConnect();
      expect(store.staleSince()).not.toBeNull();
      socket.serverSend('initial_state', {
        containers: [container({ revision: 2 })],
        hosts: [host(), host({ host_id: HOST_B })],
        position: {},
      });
      expect(store.staleSince()).toBeNull();
    });

    it('applies changes that arrived before the drop and counts only what it did not show', () => {
      socket.serverSend('container_state_change', container({ state: 'exited', revision: 3 }));
      socket.serverDisconnect();
      socket.serverConnect();
      socket.serverSend('initial_state', {
        containers: [
          container({ state: 'exited', revision: 3 }),
          container({
            container_id: cid('c3'),
            host_id: HOST_B,
            name: 'cache',
            state: 'exited',
            revision: 9,
          }),
        ],
        hosts: [host(), host({ host_id: HOST_B, online: false })],
        position: {},
      });
      expect(messages()).toEqual([
        `While disconnected: 1 container stopped (cache), host ${HOST_B} went offline`,
      ]);
      jest.advanceTimersByTime(10 * 60_000);
      expect(messages()).toHaveLength(1);
    });

    it('says briefly that nothing changed, and nothing at all on the first connection', () => {
      expect(messages()).toEqual([]);
      socket.serverDisconnect();
      socket.serverConnect();
      socket.serverSend('initial_state', {
        containers: [
          container({ revision: 2 }),
          container({ container_id: cid('c3'), host_id: HOST_B, name: 'cache' }),
        ],
        hosts: [host(), host({ host_id: HOST_B })],
        position: {},
      });
      expect(messages()).toEqual(['Reconnected: nothing changed while disconnected']);
      jest.advanceTimersByTime(60_000);
      expect(messages()).toEqual([]);
    });
  });
});
