import { Logger } from '@nestjs/common';
import type { SearchMatch, SearchSummary } from '@flotilla/contracts';
import { ErrorReporter } from '../core/error-reporter';
import { TokenBucket } from '../core/token-bucket';
import { ANONYMOUS_ADMIN } from '../auth/principal';
import type { ClientOutbox } from '../socket/client-outbox.service';
import { ClientConnection } from '../socket/client-connection';
import type { FleetSocket } from '../socket/socket-types';
import type { SearchSink } from './fleet-search';
import type { PreparedSearch, SearchService } from './search.service';
import { SearchSocketService } from './search-socket.service';

const match = (i: number, chars = 10): SearchMatch => ({
  host_id: 'h1',
  container_id: 'c'.repeat(64),
  container_name: 'web',
  ts: `2026-01-01T10:00:00.${String(i).padStart(9, '0')}Z`,
  stream: 'stdout',
  line: 'x'.repeat(chars),
});

const summary = (matches: number): SearchSummary => ({
  done: true,
  matches,
  containers_scanned: 1,
  bytes_scanned: 10,
  truncated: false,
});

/** A search the test drives: it runs until the test says what it sends and when it ends. */
class ScriptedSearch implements PreparedSearch {
  searchId = 'server-side-id';
  sink!: SearchSink;
  signal!: AbortSignal;
  private end!: (summary: SearchSummary) => void;
  private onStart!: () => void;
  readonly started: Promise<void>;

  constructor() {
    this.started = new Promise<void>((resolve) => (this.onStart = resolve));
  }

  run(sink: SearchSink, signal: AbortSignal): Promise<SearchSummary> {
    this.sink = sink;
    this.signal = signal;
    this.onStart();
    return new Promise((resolve) => {
      this.end = resolve;
      signal.addEventListener('abort', () => resolve(summary(0)), { once: true });
    });
  }

  finish(matches: number): void {
    this.end(summary(matches));
  }
}

describe('SearchSocketService', () => {
  let sent: { event: string; payload: Record<string, unknown> }[];
  let room: boolean;
  let searches: ScriptedSearch[];
  let service: SearchSocketService;
  let connection: ClientConnection;
  let errorLog: jest.SpyInstance;
  const flush = () => new Promise((resolve) => setImmediate(resolve));

  beforeEach(() => {
    sent = [];
    room = true;
    searches = [];
    const outbox = {
      send: (_c: unknown, event: string, payload: Record<string, unknown>) =>
        sent.push({ event, payload }),
      whenRoom: () => Promise.resolve(room),
      isBackedUp: () => !room,
    } as unknown as ClientOutbox;
    const search = {
      prepare: () => {
        const s = new ScriptedSearch();
        searches.push(s);
        return Promise.resolve(s);
      },
    } as unknown as SearchService;
    service = new SearchSocketService(search, outbox, new ErrorReporter());
    connection = new ClientConnection(
      { id: 'sock-1' } as FleetSocket,
      ANONYMOUS_ADMIN,
      new TokenBucket(10, 1),
    );
    errorLog = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => errorLog.mockRestore());

  const start = (id: string) => service.start(connection, { q: 'x', search_id: id });

  it('sends a batch of long lines in pieces of at most 64 KiB of text, then the summary', async () => {
    await expect(start('search-one')).resolves.toEqual({ status: 'ok', search_id: 'search-one' });
    const s = searches[0];
    await s.started;
    const batch = Array.from({ length: 200 }, (_, i) => match(i, 1_000));
    await s.sink.matches(batch, { containers_scanned: 1, bytes_scanned: 200_000 });
    s.finish(200);
    await flush();
    const results = sent.filter((m) => m.event === 'search_results');
    expect(results.length).toBe(4);
    for (const r of results) {
      const text = (r.payload.matches as SearchMatch[]).reduce((n, m) => n + m.line.length, 0);
      expect(text).toBeLessThanOrEqual(64 * 1024);
      expect(r.payload.search_id).toBe('search-one');
    }
    expect(results.flatMap((r) => r.payload.matches as SearchMatch[])).toEqual(batch);
    expect(sent[sent.length - 1]).toEqual({
      event: 'search_done',
      payload: { ...summary(200), search_id: 'search-one' },
    });
  });

  it('sends progress alone only to a client that is not behind', async () => {
    await start('search-two');
    await searches[0].started;
    searches[0].sink.progress?.({ containers_scanned: 2, bytes_scanned: 50 });
    room = false;
    searches[0].sink.progress?.({ containers_scanned: 3, bytes_scanned: 90 });
    expect(sent).toEqual([
      {
        event: 'search_results',
        payload: { search_id: 'search-two', matches: [], containers_scanned: 2, bytes_scanned: 50 },
      },
    ]);
  });

  it('runs at most three searches per socket, refuses a running id, and cancel frees the slots', async () => {
    await Promise.all(['search-a1', 'search-a2', 'search-a3'].map(start));
    await expect(start('search-a4')).rejects.toMatchObject({ code: 'rate_limited' });
    await expect(start('search-a1')).rejects.toMatchObject({ code: 'invalid_payload' });
    expect(service.cancel(connection, { search_id: 'search-a2' })).toEqual({ status: 'ok' });
    expect(searches.map((s) => s.signal.aborted)).toEqual([false, true, false]);
    await flush();
    expect(sent.filter((m) => m.event === 'search_done')).toEqual([
      {
        event: 'search_done',
        payload: { ...summary(0), search_id: 'search-a2', cancelled: true },
      },
    ]);
    await expect(start('search-a4')).resolves.toMatchObject({ status: 'ok' });
    // Ending what is already over is ok, and tells nothing.
    expect(service.cancel(connection, { search_id: 'search-zz' })).toEqual({ status: 'ok' });
    service.cancel(connection, {});
    expect(searches.every((s) => s.signal.aborted)).toBe(true);
  });

  it('a socket that goes away ends all its searches', async () => {
    await Promise.all(['search-b1', 'search-b2'].map(start));
    service.dropConnection(connection);
    expect(searches.map((s) => s.signal.aborted)).toEqual([true, true]);
  });

  it('a failing search tells the client a correlation id only, and ends it', async () => {
    const search = {
      prepare: () =>
        Promise.resolve({
          searchId: 'x',
          run: () => Promise.reject(new Error('redis exploded at 10.0.0.7')),
        }),
    } as unknown as SearchService;
    service = new SearchSocketService(
      search,
      {
        send: (_c: unknown, event: string, payload: Record<string, unknown>) =>
          sent.push({ event, payload }),
      } as unknown as ClientOutbox,
      new ErrorReporter(),
    );
    await service.start(connection, { q: 'x', search_id: 'search-c1' });
    await flush();
    expect(sent[0]).toMatchObject({
      event: 'error',
      payload: { code: 'internal', error: 'internal error' },
    });
    expect(JSON.stringify(sent)).not.toContain('10.0.0.7');
    expect(sent[1]).toMatchObject({
      event: 'search_done',
      payload: { search_id: 'search-c1', error: 'internal error', matches: 0 },
    });
  });
});
