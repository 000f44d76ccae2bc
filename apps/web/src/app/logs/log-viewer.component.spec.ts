import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { FILE_SAVER } from '../core/browser/browser.tokens';
import { FETCH } from '../auth/login.service';
import { FakeSocket, provideFakeSocket } from '../../testing/fake-socket';
import { HOST_A, cid, container, host, logUpdate } from '../../testing/fixtures';
import type { LogStream } from './log-stream';
import { LogSubscriptionService } from './log-subscription.service';
import { LogViewerComponent } from './log-viewer.component';

describe('LogViewerComponent', () => {
  let socket: FakeSocket;
  let fixture: ComponentFixture<LogViewerComponent>;
  let stream: LogStream;
  let el: HTMLElement;
  const saved: { name: string; text: string }[] = [];

  /**
   * Runs the clock past the log and fleet batchers and the filter's debounce (150 ms), then
   * renders: the fake clock makes that exact, however loaded the machine.
   */
  const settle = async (): Promise<void> => {
    await jest.advanceTimersByTimeAsync(200);
    fixture.detectChanges();
  };

  beforeEach(async () => {
    jest.useFakeTimers();
    socket = new FakeSocket();
    saved.length = 0;
    TestBed.configureTestingModule({
      providers: [
        provideFakeSocket(socket),
        // The viewer reads its streams' pins; this spec's gateway has none to tell.
        { provide: FETCH, useValue: () => new Promise<never>(() => undefined) },
        {
          provide: FILE_SAVER,
          useValue: (name: string, text: string) => saved.push({ name, text }),
        },
      ],
    });
    const logs = TestBed.inject(LogSubscriptionService);
    socket.serverConnect();
    stream = logs.acquire(HOST_A, cid('a1'));
    socket.ackAll('start_log_stream', {
      status: 'stream_started',
      container_id: cid('a1'),
      host_id: HOST_A,
    });
    fixture = TestBed.createComponent(LogViewerComponent);
    fixture.componentRef.setInput('streams', [stream]);
    fixture.componentRef.setInput('labels', { [stream.key]: 'web-1' });
    el = fixture.nativeElement as HTMLElement;
    await settle();
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
  });

  const lines = (): HTMLElement[] => [
    ...el.querySelectorAll<HTMLElement>('[data-testid=log-line]'),
  ];

  it('renders a burst of updates in one flush, with the streaming indicator on', async () => {
    for (let i = 0; i < 50; i++)
      socket.serverSend('log_update', logUpdate({ firstLine: i + 1, count: 1, stderr: [3] }));
    expect(stream.version()).toBe(0);
    await settle();
    expect(stream.version()).toBe(1);
    expect(el.querySelector('[data-testid=log-count]')?.textContent).toContain('50');
    expect(el.querySelector('[data-testid=streaming-indicator]')?.getAttribute('data-state')).toBe(
      'streaming',
    );
    expect(el.querySelector('[data-testid=last-update]')?.textContent).toMatch(/\d\d:\d\d:\d\d/);
    expect(lines().length).toBeGreaterThan(0);
    expect(lines()[0]?.dataset['lineNo']).toBe('1');
    expect(lines()[2]?.dataset['stream']).toBe('stderr');
  });

  it('stops pulsing once the container exits, and pulses again when it runs', async () => {
    const indicator = (): Element | null => el.querySelector('[data-testid=streaming-indicator]');
    const web = container({ container_id: cid('a1'), state: 'running', revision: 1 });
    socket.serverSend('initial_state', { containers: [web], hosts: [host()], position: {} });
    await settle();
    expect(indicator()?.getAttribute('data-state')).toBe('streaming');
    socket.serverSend('container_state_change', { ...web, state: 'exited', revision: 2 });
    await settle();
    expect(indicator()?.getAttribute('data-state')).toBe('idle');
    expect(indicator()?.textContent).toContain('Container exited');
    expect(indicator()?.textContent).not.toContain('Log streaming active');
    socket.serverSend('container_state_change', { ...web, state: 'running', revision: 3 });
    await settle();
    expect(indicator()?.getAttribute('data-state')).toBe('streaming');
  });

  it('pauses following when the user scrolls up and offers to follow again', async () => {
    expect(el.querySelector('[data-testid=follow-button]')).toBeNull();
    el.querySelector('[data-testid=log-list]')?.dispatchEvent(
      new WheelEvent('wheel', { deltaY: -120 }),
    );
    await settle();
    const follow = el.querySelector<HTMLButtonElement>('[data-testid=follow-button]');
    expect(follow?.textContent).toContain('Follow logs');
    follow?.click();
    await settle();
    expect(el.querySelector('[data-testid=follow-button]')).toBeNull();
  });

  it('shows an invalid regular expression as an error and keeps the lines', async () => {
    socket.serverSend('log_update', logUpdate({ firstLine: 1, count: 3 }));
    await settle();
    el.querySelector<HTMLButtonElement>('[data-testid=log-filter-regex]')?.click();
    const input = el.querySelector<HTMLInputElement>('[data-testid=log-filter]');
    if (!input) throw new Error('no filter box');
    input.value = '(unclosed';
    input.dispatchEvent(new Event('input'));
    await settle();
    expect(el.querySelector('[data-testid=log-filter-error]')?.textContent).toContain(
      'Invalid regular expression',
    );
    expect(el.querySelector('[data-testid=log-count]')?.textContent).toContain('3');
    input.value = 'line [23]';
    input.dispatchEvent(new Event('input'));
    await settle();
    expect(el.querySelector('[data-testid=log-filter-error]')).toBeNull();
    expect(lines().map((l) => l.dataset['lineNo'])).toEqual(['2', '3']);
  });

  it('downloads what is shown', async () => {
    socket.serverSend('log_update', logUpdate({ firstLine: 1, count: 2 }));
    await settle();
    el.querySelector<HTMLButtonElement>('[data-testid=log-timestamps-toggle]')?.click();
    el.querySelector<HTMLButtonElement>('[data-testid=log-download]')?.click();
    expect(saved).toHaveLength(1);
    expect(saved[0]?.name).toMatch(/^web-1-.*\.log$/);
    expect(saved[0]?.text).toBe('line 1\nline 2\n');
  });
});
