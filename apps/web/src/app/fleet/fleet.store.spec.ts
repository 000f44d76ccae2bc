import { TestBed } from '@angular/core/testing';
import { DEFAULT_WEB_CONFIG } from '../core/app-config';
import { FakeSocket, provideFakeSocket } from '../../testing/fake-socket';
import { HOST_A, HOST_B, cid, container, host } from '../../testing/fixtures';
import { NotificationService } from '../core/notifications/notification.service';
import { FleetViewRequest } from '../core/socket/fleet-view-request';
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

describe('FleetStore over the line (a partial fleet)', () => {
  let socket: FakeSocket;
  let store: FleetStore;
  const onB = container({ container_id: cid('b1'), host_id: HOST_B, name: 'api' });
  const countsOf = (running: number) => ({ states: { running }, projects: {} });

  beforeEach(() => {
    jest.useFakeTimers();
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    store = TestBed.inject(FleetStore);
    socket.serverConnect();
    socket.serverSend('initial_state', {
      containers: [],
      hosts: [host(), host({ host_id: HOST_B })],
      position: {},
      counts: { [HOST_A]: countsOf(1), [HOST_B]: countsOf(1) },
      partial: true,
    });
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
  });

  it('holds counts, no containers, and keeps the counts live', () => {
    expect(store.partial()).toBe(true);
    expect(store.containers()).toEqual([]);
    socket.serverSend('counts_update', { hosts: { [HOST_B]: countsOf(7) } });
    expect(store.counts()[HOST_B]).toEqual(countsOf(7));
    expect(store.counts()[HOST_A]).toEqual(countsOf(1));
  });

  it('opening a host subscribes; the ack loads it; its changes stay live; closing drops it', async () => {
    store.setOpenHosts([HOST_B]);
    expect(socket.sent('subscribe').at(-1)?.payload).toEqual({ hosts: [HOST_B] });
    socket.ackAll('subscribe', { status: 'ok', containers: [onB] });
    await Promise.resolve();
    expect(store.loadedHosts().has(HOST_B)).toBe(true);
    expect(store.containers()).toEqual([onB]);

    const stopped = { ...onB, state: 'exited' as const, revision: onB.revision + 1 };
    socket.serverSend('container_state_change', stopped);
    jest.advanceTimersByTime(DEFAULT_WEB_CONFIG.fleetFlushMs);
    expect(store.find(HOST_B, onB.container_id)?.state).toBe('exited');

    store.setOpenHosts([]);
    expect(socket.sent('subscribe').at(-1)?.payload).toEqual({ hosts: [] });
    expect(store.containers()).toEqual([]);
    expect(store.loadedHosts().size).toBe(0);
    // A change sent before the gateway learnt of the closing does not bring it back.
    socket.serverSend('container_state_change', { ...stopped, revision: stopped.revision + 1 });
    jest.advanceTimersByTime(DEFAULT_WEB_CONFIG.fleetFlushMs);
    expect(store.containers()).toEqual([]);
  });

  it('a removed container leaves the page', async () => {
    store.setOpenHosts([HOST_B]);
    socket.ackAll('subscribe', { status: 'ok', containers: [onB] });
    await Promise.resolve();
    socket.serverSend('container_state_change', {
      ...onB,
      state: 'removed',
      revision: onB.revision + 1,
    });
    jest.advanceTimersByTime(DEFAULT_WEB_CONFIG.fleetFlushMs);
    expect(store.containers()).toEqual([]);
  });

  it('a link to a container of a host not open opens that host', async () => {
    expect(store.find(HOST_B, onB.container_id)).toBeUndefined();
    await Promise.resolve();
    expect(store.openHosts()).toEqual([HOST_B]);
    expect(socket.sent('subscribe').at(-1)?.payload).toEqual({ hosts: [HOST_B] });
  });

  const shop = { 'com.docker.compose.project': 'shop' };
  const cartA = container({ container_id: cid('d1'), name: 'cart', labels: shop });
  const cartB = container({ container_id: cid('d2'), host_id: HOST_B, name: 'cart', labels: shop });
  /** Lets acks' promise chains run to their end. */
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };

  it("opening a stack subscribes by project: its containers on every host, live; closing drops them, not an open host's", async () => {
    store.setOpenHosts([HOST_B]);
    socket.ackAll('subscribe', { status: 'ok', containers: [onB] });
    await settle();
    store.setOpenProjects(['shop']);
    expect(socket.sent('subscribe').at(-1)?.payload).toEqual({
      hosts: [HOST_B],
      projects: ['shop'],
    });
    socket.ackAll('subscribe', { status: 'ok', containers: [cartA, cartB] });
    await settle();
    expect(store.loadedProjects().has('shop')).toBe(true);
    expect(
      store
        .containers()
        .map((c) => c.container_id)
        .sort(),
    ).toEqual([cartA, cartB, onB].map((c) => c.container_id).sort());
    socket.serverSend('container_state_change', { ...cartA, state: 'exited', revision: 9 });
    jest.advanceTimersByTime(DEFAULT_WEB_CONFIG.fleetFlushMs);
    expect(store.find(HOST_A, cartA.container_id)?.state).toBe('exited');

    store.setOpenProjects([]);
    expect(socket.sent('subscribe').at(-1)?.payload).toEqual({ hosts: [HOST_B] });
    // cartB stays: its host is open.
    expect(
      store
        .containers()
        .map((c) => c.container_id)
        .sort(),
    ).toEqual([cartB, onB].map((c) => c.container_id).sort());
    expect(store.loadedProjects().size).toBe(0);
    socket.serverSend('container_state_change', { ...cartA, state: 'running', revision: 10 });
    jest.advanceTimersByTime(DEFAULT_WEB_CONFIG.fleetFlushMs);
    expect(store.find(HOST_A, cartA.container_id)).toBeUndefined();
  });

  it('a stack name the gateway would refuse is never asked for, so the view stays valid', () => {
    store.setOpenProjects(['', 'x'.repeat(256), 'a\nb', 'shop']);
    expect(socket.sent('subscribe').at(-1)?.payload).toEqual({ hosts: [], projects: ['shop'] });
    store.setOpenProjects(Array.from({ length: 150 }, (_, i) => `p${String(i).padStart(3, '0')}`));
    const asked = socket.sent('subscribe').at(-1)?.payload as { projects: string[] };
    expect(asked.projects).toHaveLength(100);
    expect(asked.projects[0]).toBe('p050');
  });

  it('a search asks the gateway once typing pauses, for the last text only', () => {
    for (const q of ['c', 'ca', 'car', 'cart']) {
      store.findMatches(q);
      jest.advanceTimersByTime(DEFAULT_WEB_CONFIG.fleetFindDelayMs - 1);
    }
    expect(socket.sent('find_containers')).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(socket.sent('find_containers').map((e) => e.payload)).toEqual([
      { q: 'cart', limit: DEFAULT_WEB_CONFIG.fleetFindLimit },
    ]);
  });

  it('its matches on hosts not open join the view as live rows; found says how many, and more', async () => {
    store.setOpenHosts([HOST_A]);
    socket.ackAll('subscribe', { status: 'ok', containers: [] });
    await settle();
    store.findMatches('cart');
    jest.advanceTimersByTime(DEFAULT_WEB_CONFIG.fleetFindDelayMs);
    socket.ackAll('find_containers', { status: 'ok', containers: [cartA, cartB], more: true });
    await settle();
    // cartA is on an open host: held already; only cartB is asked for.
    expect(socket.sent('subscribe').at(-1)?.payload).toEqual({
      hosts: [HOST_A],
      containers: [cartB.container_id],
    });
    expect(store.found()).toBeNull();
    socket.ackAll('subscribe', { status: 'ok', containers: [cartB] });
    await settle();
    expect(store.found()).toEqual({ q: 'cart', count: 1, hosts: 1, more: true });
    expect(store.find(HOST_B, cartB.container_id)).toEqual(cartB);
    socket.serverSend('container_state_change', { ...cartB, state: 'exited', revision: 9 });
    jest.advanceTimersByTime(DEFAULT_WEB_CONFIG.fleetFlushMs);
    expect(store.find(HOST_B, cartB.container_id)?.state).toBe('exited');

    // The search cleared: its matches leave the view and the page.
    store.findMatches(null);
    expect(store.found()).toBeNull();
    expect(socket.sent('subscribe').at(-1)?.payload).toEqual({ hosts: [HOST_A] });
    expect(store.containers()).toEqual([]);
  });

  it('an answer to a text typed over is ignored', async () => {
    store.findMatches('ca');
    jest.advanceTimersByTime(DEFAULT_WEB_CONFIG.fleetFindDelayMs);
    store.findMatches('cart');
    socket.ackAll('find_containers', { status: 'ok', containers: [cartB], more: false });
    await settle();
    expect(socket.sent('subscribe')).toEqual([]);
    expect(store.found()).toBeNull();
  });

  it('a handshake asks for the whole view: open hosts, open stacks and the matches held', () => {
    store.setOpenHosts([HOST_A]);
    store.setOpenProjects(['shop']);
    expect(TestBed.inject(FleetViewRequest).view()).toEqual({
      counts: true,
      up_to: DEFAULT_WEB_CONFIG.fleetViewLine,
      hosts: [HOST_A],
      projects: ['shop'],
    });
  });

  it('under the line (no partial) everything is held and opening asks nothing', () => {
    socket.serverSend('initial_state', {
      containers: [onB],
      hosts: [host(), host({ host_id: HOST_B })],
      position: {},
      counts: { [HOST_A]: countsOf(0), [HOST_B]: countsOf(1) },
    });
    expect(store.partial()).toBe(false);
    store.setOpenHosts([HOST_A]);
    expect(socket.sent('subscribe')).toEqual([]);
    expect(store.containers()).toEqual([onB]);
  });
});
