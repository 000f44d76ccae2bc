import { TestBed } from '@angular/core/testing';
import type { ContainerActionRequest } from '@flotilla/contracts/core';
import { NotificationService } from '../core/notifications/notification.service';
import { ConfirmService } from '../shared/confirm.service';
import { FakeSocket, provideFakeSocket } from '../../testing/fake-socket';
import { HOST_A, cid, container, host } from '../../testing/fixtures';
import { ContainerActionsService, actionsFor } from './container-actions.service';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('ContainerActionsService', () => {
  let socket: FakeSocket;
  let actions: ContainerActionsService;
  let confirm: ConfirmService;
  let notifications: NotificationService;
  const web = container({ name: 'web-1' });

  beforeEach(() => {
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    actions = TestBed.inject(ContainerActionsService);
    confirm = TestBed.inject(ConfirmService);
    notifications = TestBed.inject(NotificationService);
    socket.serverConnect();
    socket.serverSend('connection_established', {
      message: 'hi',
      protocol_version: 1,
      server_id: 's1',
      user: 'bob',
    });
    socket.serverSend('initial_state', { containers: [web], hosts: [host()], position: {} });
  });

  afterEach(() => TestBed.resetTestingModule());

  const messages = (): string[] => notifications.notifications().map((n) => n.message);

  it('asks first and does nothing when declined', async () => {
    const done = actions.run(web, 'stop');
    expect(confirm.request()?.title).toBe('Stop web-1?');
    confirm.answer(false);
    await done;
    expect(socket.sent('container_action')).toHaveLength(0);
  });

  it('shows the action pending, then its result', async () => {
    const done = actions.run(web, 'stop');
    confirm.answer(true);
    await flush();
    expect(socket.sent('container_action').map((e) => e.payload)).toEqual([
      {
        container_id: web.container_id,
        host_id: HOST_A,
        action: 'stop',
      } satisfies ContainerActionRequest,
    ]);
    expect(actions.pendingAction(HOST_A, web.container_id)).toBe('stop');
    socket.ackAll('container_action', { status: 'ok', action: 'stop', unchanged: false });
    await done;
    expect(actions.pendingAction(HOST_A, web.container_id)).toBeNull();
    expect(messages()).toEqual(['web-1 stopped']);
  });

  it('shows the error of a failed action', async () => {
    const done = actions.run(web, 'restart');
    confirm.answer(true);
    await flush();
    socket.ackAll('container_action', {
      status: 'error',
      error: 'host offline',
      code: 'host_offline',
    });
    await done;
    expect(notifications.notifications()).toMatchObject([
      { type: 'error', message: 'Could not restart web-1: host offline' },
    ]);
    expect(actions.pendingAction(HOST_A, web.container_id)).toBeNull();
  });

  it('tells what others did', () => {
    socket.serverSend('container_action', {
      host_id: HOST_A,
      container_id: web.container_id,
      action: 'stop',
      user: 'alice',
      at: '2024-05-01T10:00:00Z',
      ok: true,
      error: null,
    });
    expect(messages()).toEqual(['alice stopped web-1']);
  });

  it('does not repeat one’s own action from its broadcast', async () => {
    const done = actions.run(web, 'start');
    confirm.answer(true);
    await flush();
    socket.serverSend('container_action', {
      host_id: HOST_A,
      container_id: web.container_id,
      action: 'start',
      user: 'bob',
      at: '2024-05-01T10:00:00Z',
      ok: true,
      error: null,
    });
    socket.ackAll('container_action', { status: 'ok', action: 'start', unchanged: true });
    await done;
    expect(messages()).toEqual(['web-1 was already started']);
  });

  it('offers the actions that fit the state: a paused container is unpaused, not restarted', () => {
    expect(actionsFor({ state: 'running' })).toEqual(['stop', 'restart']);
    expect(actionsFor({ state: 'paused' })).toEqual(['unpause', 'stop']);
    expect(actionsFor({ state: 'exited' })).toEqual(['start']);
    expect(actionsFor({ state: 'removed' })).toEqual([]);
    expect(cid('a1')).toHaveLength(64);
  });

  it('offers only what the role allows, as the gateway says on connecting, and keeps it while away', () => {
    expect(actions.available({ state: 'running' })).toEqual(['stop', 'restart']);
    socket.serverSend('connection_established', {
      message: 'hi',
      protocol_version: 1,
      server_id: 's1',
      user: 'vic',
      actions: [],
    });
    expect(actions.available({ state: 'running' })).toEqual([]);
    expect(actions.available({ state: 'paused' })).toEqual([]);
    socket.serverDisconnect();
    expect(actions.available({ state: 'exited' })).toEqual([]);
    expect(actionsFor({ state: 'paused' }, ['start', 'stop'])).toEqual(['stop']);
  });

  it('runs nothing while disconnected: no question, no request', async () => {
    expect(actions.connected()).toBe(true);
    socket.serverDisconnect();
    expect(actions.connected()).toBe(false);
    await actions.run(web, 'stop');
    expect(confirm.request()).toBeNull();
    expect(socket.sent('container_action')).toHaveLength(0);
  });
});
