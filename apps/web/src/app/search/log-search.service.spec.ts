import { TestBed } from '@angular/core/testing';
import type { SearchMatch } from '@flotilla/contracts/core';
import { FakeSocket, provideFakeSocket } from '../../testing/fake-socket';
import { LogSearchService, SearchRefusedError, type SearchEvent } from './log-search.service';

const match: SearchMatch = {
  host_id: 'h1',
  container_id: 'c'.repeat(64),
  container_name: 'web',
  ts: '2026-01-01T10:00:00.000000001Z',
  stream: 'stdout',
  line: 'boom',
};
const progress = { containers_scanned: 2, bytes_scanned: 100 };

describe('LogSearchService', () => {
  let socket: FakeSocket;
  let search: LogSearchService;

  beforeEach(() => {
    // Requests carry an ack deadline: fake timers keep them from outliving the spec.
    jest.useFakeTimers();
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    search = TestBed.inject(LogSearchService);
    socket.serverConnect();
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
  });

  const searchIdSent = (i = 0): string =>
    (socket.sent('search_logs')[i].payload as { search_id: string }).search_id;

  it('asks with an id of its own, passes on that search’s results only, and ends at search_done', () => {
    const events: SearchEvent[] = [];
    let completed = false;
    search.search({ q: 'boom', host: 'h1' }).subscribe({
      next: (e) => events.push(e),
      complete: () => (completed = true),
    });
    expect(socket.sent('search_logs')[0].payload).toMatchObject({ q: 'boom', host: 'h1' });
    const id = searchIdSent();
    expect(id).toMatch(/^[A-Za-z0-9-]{8,64}$/);
    socket.ackAll('search_logs', { status: 'ok', search_id: id });
    socket.serverSend('search_results', {
      search_id: 'someone-else',
      matches: [match],
      ...progress,
    });
    socket.serverSend('search_results', { search_id: id, matches: [match], ...progress });
    const done = { search_id: id, done: true, matches: 1, truncated: false, ...progress };
    socket.serverSend('search_done', done);
    expect(events).toEqual([
      { kind: 'results', payload: { search_id: id, matches: [match], ...progress } },
      { kind: 'done', payload: done },
    ]);
    expect(completed).toBe(true);
    expect(socket.sent('search_cancel')).toEqual([]);
    expect(socket.listenerCount('search_results')).toBe(0);
  });

  it('cancels on the server when the page stops listening before the end', () => {
    const sub = search.search({ q: 'boom' }).subscribe();
    sub.unsubscribe();
    expect(socket.sent('search_cancel').map((e) => e.payload)).toEqual([
      { search_id: searchIdSent() },
    ]);
  });

  it('fails with the gateway’s words when it refuses the search', async () => {
    const failed = new Promise<unknown>((resolve) =>
      search.search({ q: '(a)\\1' }).subscribe({ error: resolve }),
    );
    socket.ackAll('search_logs', {
      status: 'error',
      error: 'the pattern is not a supported regular expression',
      code: 'invalid_payload',
    });
    const error = await failed;
    expect(error).toBeInstanceOf(SearchRefusedError);
    expect(error).toMatchObject({ code: 'invalid_payload', message: /pattern/ });
    expect(socket.sent('search_cancel')).toEqual([]);
  });

  it('fails when the connection is lost (the search ended with it)', () => {
    let error: unknown;
    search.search({ q: 'boom' }).subscribe({ error: (e: unknown) => (error = e) });
    socket.serverDisconnect();
    expect(error).toBeInstanceOf(Error);
    expect(socket.sent('search_cancel')).toEqual([]);
  });
});
