import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { searchQuerySchema, type SearchMatch } from '@flotilla/contracts';
import type { Response } from 'express';
import { once } from 'node:events';
import type { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../http/current-principal.decorator';
import { parseRequest } from '../http/http-params';
import { SearchService } from './search.service';

/** `GET /api/search?q=&host=&container=&label=&project=&since=&until=&limit=` */
@Controller('api/search')
export class SearchController {
  private readonly logger = new Logger('Search');

  constructor(private readonly search: SearchService) {}

  /**
   * Answers `application/x-ndjson`: one line per match in time order, then the summary line.
   * Writing waits while the client is slow (and so do the agents); a client that goes away
   * cancels the search.
   */
  @Get()
  async find(
    @CurrentPrincipal() principal: Principal,
    @Query() query: unknown,
    @Res() res: Response,
  ): Promise<void> {
    // A bad query or pattern is thrown before anything is written: a plain 400.
    const search = await this.search.prepare(principal, parseRequest(searchQuerySchema, query));
    const abort = new AbortController();
    const onClose = (): void => abort.abort();
    res.once('close', onClose);
    res.status(200).type('application/x-ndjson');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Search-Id', search.searchId);
    const write = async (text: string): Promise<void> => {
      if (abort.signal.aborted || res.write(text)) return;
      // With the signal, an abort removes the drain listener too (none pile up per slow write).
      await once(res, 'drain', { signal: abort.signal }).catch(() => undefined);
    };
    try {
      const summary = await search.run(
        { matches: (matches: SearchMatch[]) => write(matches.map(line).join('')) },
        abort.signal,
      );
      if (!abort.signal.aborted) res.end(line(summary));
    } catch (error: unknown) {
      // The status line is sent: a failure can only cut the answer short (no summary line).
      this.logger.error(`search ${search.searchId} failed: ${String(error)}`);
      res.destroy();
    } finally {
      res.off('close', onClose);
    }
  }
}

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
