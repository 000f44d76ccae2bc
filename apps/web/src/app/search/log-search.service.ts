import { Injectable, inject } from '@angular/core';
import { Observable, merge } from 'rxjs';
import type {
  SearchDonePayload,
  SearchLogsPayload,
  SearchResultsPayload,
} from '@flotilla/contracts/core';
import { WINDOW } from '../core/browser/browser.tokens';
import { SocketService } from '../core/socket/socket.service';
import { isErrorAck } from '../core/socket/socket.types';

export type SearchQueryInput = Omit<SearchLogsPayload, 'search_id'>;

/** What a running search tells the page: matches and progress, then its summary. */
export type SearchEvent =
  { kind: 'results'; payload: SearchResultsPayload } | { kind: 'done'; payload: SearchDonePayload };

/** The gateway refused the search (a bad pattern, too many searches): its words and code. */
export class SearchRefusedError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'SearchRefusedError';
  }
}

/**
 * Fleet-wide log search over the tab's socket (`search_logs` → `search_results` →
 * `search_done`). Each subscription is one search; unsubscribing before it is done sends
 * `search_cancel`, so a page that goes away stops the agents' reads.
 */
@Injectable({ providedIn: 'root' })
export class LogSearchService {
  private readonly socket = inject(SocketService);
  private readonly win = inject(WINDOW);

  search(query: SearchQueryInput): Observable<SearchEvent> {
    return new Observable<SearchEvent>((subscriber) => {
      const searchId = this.newId();
      let finished = false;
      const events = merge(
        this.socket.on('search_results'),
        this.socket.on('search_done'),
      ).subscribe((payload) => {
        if (payload.search_id !== searchId) return;
        if ('done' in payload) {
          finished = true;
          subscriber.next({ kind: 'done', payload });
          subscriber.complete();
        } else subscriber.next({ kind: 'results', payload });
      });
      // The search lives on the socket: a lost connection ends it there too.
      const lost = this.socket.disconnects$.subscribe(() => {
        finished = true;
        subscriber.error(new Error('The connection to the gateway was lost; search again'));
      });
      this.socket.request('search_logs', { ...query, search_id: searchId }).then(
        (ack) => {
          if (isErrorAck(ack)) {
            finished = true;
            subscriber.error(new SearchRefusedError(ack.error, ack.code));
          }
        },
        (error: unknown) => {
          finished = true;
          subscriber.error(error);
        },
      );
      return () => {
        events.unsubscribe();
        lost.unsubscribe();
        if (!finished && this.socket.connected)
          this.socket.send('search_cancel', { search_id: searchId }, 'Cancelling the search');
      };
    });
  }

  private newId(): string {
    // getRandomValues works on plain-HTTP origins too (randomUUID needs a secure context).
    const bytes = this.win.crypto.getRandomValues(new Uint8Array(12));
    return `s-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
}
