import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { ContainerExits, CrashLoopPayload } from '@flotilla/contracts/core';
import { sampleExit } from '@flotilla/contracts/testing';
import { FakeSocket, provideFakeSocket } from '../../testing/fake-socket';
import { HOST_A, cid, container, host } from '../../testing/fixtures';
import { FETCH } from '../auth/login.service';
import { FleetRowComponent } from '../fleet/fleet-row.component';
import { FleetStore } from '../fleet/fleet.store';
import { ContainerExitsComponent, exitCodeText } from './container-exits.component';
import { CrashLoopService } from './crash-loop.service';

const WINDOW = { threshold: 3, window_ms: 300_000 };

/** Lets the mocked fetch's promises settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function loop(containerId: string, looping: boolean): CrashLoopPayload {
  return {
    host_id: HOST_A,
    container_id: containerId,
    crash_loop: { looping, exits_in_window: looping ? 3 : 2, ...WINDOW },
    last_exit_id: '1700000000000-0',
  };
}

describe('crash loops on the page', () => {
  let socket: FakeSocket;
  let fetchMock: jest.Mock;

  beforeEach(() => {
    socket = new FakeSocket();
    fetchMock = jest.fn();
    TestBed.configureTestingModule({
      providers: [
        provideFakeSocket(socket),
        provideRouter([]),
        { provide: FETCH, useValue: fetchMock },
      ],
    });
  });

  afterEach(() => TestBed.resetTestingModule());

  const web = container({ name: 'web-1', labels: { 'com.docker.compose.project': 'shop' } });
  const db = container({
    container_id: cid('b2'),
    name: 'db-1',
    labels: { 'com.docker.compose.project': 'shop' },
  });

  function connect(): CrashLoopService {
    TestBed.inject(FleetStore);
    const loops = TestBed.inject(CrashLoopService);
    socket.serverConnect();
    socket.serverSend('initial_state', { containers: [web, db], hosts: [host()], position: {} });
    return loops;
  }

  it('holds the loops pushed, counts them per stack, and starts over on a new connection', () => {
    const loops = connect();
    socket.serverSend('crash_loop', loop(web.container_id, true));
    socket.serverSend('crash_loop', loop(db.container_id, true));
    expect(loops.isLooping(HOST_A, web.container_id)).toBe(true);
    expect(loops.loopingIn('shop')).toBe(2);
    socket.serverSend('crash_loop', loop(db.container_id, false));
    expect(loops.isLooping(HOST_A, db.container_id)).toBe(false);
    expect(loops.loopingIn('shop')).toBe(1);
    socket.serverSend('initial_state', { containers: [web, db], hosts: [host()], position: {} });
    expect(loops.loopingIn('shop')).toBe(0);
  });

  it('shows the badge on a looping container’s row, in words', () => {
    connect();
    const fixture = TestBed.createComponent(FleetRowComponent);
    fixture.componentRef.setInput('row', {
      kind: 'container',
      key: `${HOST_A}/${web.container_id}`,
      container: web,
      offline: false,
    });
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="crash-loop-badge"]')).toBeNull();
    socket.serverSend('crash_loop', loop(web.container_id, true));
    fixture.detectChanges();
    const badge = el.querySelector('[data-testid="crash-loop-badge"]');
    expect(badge?.textContent).toContain('crash loop');
    expect(badge?.getAttribute('title')).toBe(
      'Crash loop: 3 exits in the last 5 minutes (3 make a loop)',
    );
  });

  it('lists the exits side by side with their lines as text, and reads them again on a push', async () => {
    const answer = (codes: number[]): ContainerExits => ({
      host_id: HOST_A,
      container_id: web.container_id,
      exits: codes.map((code, i) => ({
        ...sampleExit({
          host_id: HOST_A,
          container_id: web.container_id,
          exit_code: code,
          signal: code === 137 ? { number: 9, name: 'SIGKILL' } : null,
          restart_count: codes.length - i,
          lines: [{ ts: '2026-11-25T10:00:01.000000000Z', stream: 'stderr', text: '<b>x</b>' }],
        }),
        id: `${1_700_000_000_000 - i}-0`,
        recorded_at: new Date(1_700_000_000_000 - i).toISOString(),
      })),
      crash_loop: { looping: false, exits_in_window: codes.length, ...WINDOW },
    });
    fetchMock
      .mockResolvedValueOnce({ ok: true, json: () => Promise.resolve(answer([1])) })
      .mockResolvedValueOnce({ ok: true, json: () => Promise.resolve(answer([137, 1])) });
    connect();
    const fixture = TestBed.createComponent(ContainerExitsComponent);
    fixture.componentRef.setInput('host', HOST_A);
    fixture.componentRef.setInput('containerId', web.container_id);
    const el = fixture.nativeElement as HTMLElement;
    const codes = (): string[] =>
      [...el.querySelectorAll('[data-testid="exit-code"]')].map((c) => c.textContent?.trim() ?? '');
    fixture.detectChanges();
    await settle();
    fixture.detectChanges();
    expect(fetchMock).toHaveBeenCalledWith(
      `/api/containers/${HOST_A}/${web.container_id}/exits?limit=5`,
      expect.anything(),
    );
    expect(codes()).toEqual(['1']);
    expect(el.querySelector('[data-testid="exit-line"]')?.textContent).toBe('<b>x</b>');
    expect(el.querySelector('b')).toBeNull();

    socket.serverSend('crash_loop', loop(db.container_id, true));
    socket.serverSend('crash_loop', loop(web.container_id, false));
    await settle();
    fixture.detectChanges();
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(codes()).toEqual(['137 (SIGKILL)', '1']);
  });

  it('writes an exit code with its signal', () => {
    expect(exitCodeText({ exit_code: 0, signal: null })).toBe('0');
    expect(exitCodeText({ exit_code: 139, signal: { number: 11, name: 'SIGSEGV' } })).toBe(
      '139 (SIGSEGV)',
    );
  });
});
