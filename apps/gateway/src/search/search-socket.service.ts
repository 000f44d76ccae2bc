import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  SEARCH_LIMITS,
  type OkAck,
  type SearchCancelPayload,
  type SearchLogsAck,
  type SearchLogsPayload,
  type SearchMatch,
  type SearchSummary,
} from '@flotilla/contracts';
import { ErrorReporter } from '../core/error-reporter';
import { GatewayError } from '../core/gateway-error';
import type { ClientConnection } from '../socket/client-connection';
import { ClientOutbox } from '../socket/client-outbox.service';
import type { SearchProgress } from './fleet-search';
import { SearchService, type PreparedSearch } from './search.service';

/**
 * Most characters of matched text in one `search_results`: a batch of long lines is sent in
 * pieces, each once the client's queue is below the cap, so what is queued for a socket stays
 * within the cap plus one piece.
 */
const CHUNK_CHARS = 64 * 1024;

/**
 * Log search over a socket (`search_logs`, `search_cancel`): runs the same search as
 * `GET /api/search`, sends its matches as `search_results` at the pace the client reads them
 * (the agents wait with it through their windows) and its summary as `search_done`. A socket
 * runs a few searches at once; leaving ends them all.
 */
@Injectable()
export class SearchSocketService implements OnModuleDestroy {
  private readonly running = new Map<ClientConnection, Map<string, AbortController>>();

  constructor(
    private readonly search: SearchService,
    private readonly outbox: ClientOutbox,
    private readonly errors: ErrorReporter,
  ) {}

  async start(connection: ClientConnection, payload: SearchLogsPayload): Promise<SearchLogsAck> {
    const { search_id: searchId, ...query } = payload;
    const mine = this.running.get(connection) ?? new Map<string, AbortController>();
    if (mine.has(searchId))
      throw new GatewayError('invalid_payload', `search ${searchId} is already running`);
    if (mine.size >= SEARCH_LIMITS.maxSearchesPerSocket)
      throw new GatewayError(
        'rate_limited',
        `at most ${SEARCH_LIMITS.maxSearchesPerSocket} searches at once; cancel one first`,
      );
    const abort = new AbortController();
    // Taken before the first await: requests arriving together cannot all pass the check.
    mine.set(searchId, abort);
    this.running.set(connection, mine);
    let prepared: PreparedSearch;
    try {
      prepared = await this.search.prepare(connection.principal, query);
    } catch (error: unknown) {
      this.release(connection, searchId);
      throw error;
    }
    void this.run(connection, searchId, prepared, abort.signal);
    return { status: 'ok', search_id: searchId };
  }

  /** Ends one search, or every search of the socket; ok whether or not it was still running. */
  cancel(connection: ClientConnection, payload: SearchCancelPayload): OkAck {
    const mine = this.running.get(connection);
    for (const [id, abort] of mine ?? []) {
      if (payload.search_id === undefined || payload.search_id === id) abort.abort();
    }
    return { status: 'ok' };
  }

  dropConnection(connection: ClientConnection): void {
    for (const abort of this.running.get(connection)?.values() ?? []) abort.abort();
    this.running.delete(connection);
  }

  onModuleDestroy(): void {
    for (const connection of [...this.running.keys()]) this.dropConnection(connection);
  }

  private async run(
    connection: ClientConnection,
    searchId: string,
    prepared: PreparedSearch,
    signal: AbortSignal,
  ): Promise<void> {
    let sent = 0;
    let progress: SearchProgress = { containers_scanned: 0, bytes_scanned: 0 };
    let summary: SearchSummary;
    let failure: string | undefined;
    try {
      summary = await prepared.run(
        {
          matches: async (matches, now) => {
            progress = now;
            sent += await this.sendMatches(connection, searchId, matches, now, signal);
          },
          progress: (now) => {
            progress = now;
            // Progress is superseded by the next one: skipped for a client that is behind.
            if (!this.outbox.isBackedUp(connection))
              this.outbox.send(connection, 'search_results', {
                search_id: searchId,
                matches: [],
                ...now,
              });
          },
        },
        signal,
      );
    } catch (error: unknown) {
      const payload = this.errors.toClient(error, 'search_logs');
      this.outbox.send(connection, 'error', payload);
      failure = payload.error;
      summary = { done: true, matches: sent, ...progress, truncated: false };
    } finally {
      this.release(connection, searchId);
    }
    this.outbox.send(connection, 'search_done', {
      ...summary,
      // What this socket got: a cancel may cut a batch short.
      matches: sent,
      search_id: searchId,
      ...(signal.aborted ? { cancelled: true as const } : {}),
      ...(failure !== undefined ? { error: failure } : {}),
    });
  }

  /** Sends matches in pieces, each once the client has room; returns how many were sent. */
  private async sendMatches(
    connection: ClientConnection,
    searchId: string,
    matches: SearchMatch[],
    progress: SearchProgress,
    signal: AbortSignal,
  ): Promise<number> {
    let sent = 0;
    for (const piece of pieces(matches)) {
      // A client that went away (or a cancel) ends the wait; the search then stops at once.
      if (!(await this.outbox.whenRoom(connection, undefined, signal))) return sent;
      this.outbox.send(connection, 'search_results', {
        search_id: searchId,
        matches: piece,
        ...progress,
      });
      sent += piece.length;
    }
    return sent;
  }

  private release(connection: ClientConnection, searchId: string): void {
    const mine = this.running.get(connection);
    if (!mine) return;
    mine.delete(searchId);
    if (mine.size === 0) this.running.delete(connection);
  }
}

function* pieces(matches: SearchMatch[]): Generator<SearchMatch[]> {
  let piece: SearchMatch[] = [];
  let chars = 0;
  for (const match of matches) {
    if (piece.length > 0 && chars + match.line.length > CHUNK_CHARS) {
      yield piece;
      piece = [];
      chars = 0;
    }
    piece.push(match);
    chars += match.line.length;
  }
  if (piece.length > 0) yield piece;
}
