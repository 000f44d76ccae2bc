/// <reference types="jest" />
import { RedisKeys, type SearchRecord, type SearchRequest } from '@flotilla/contracts';
import { waitFor } from '@flotilla/testing';
import type { ContractContext } from './contract-context';

const CONTAINER = 'c'.repeat(64);

function sampleSearch(
  hostId: string,
  searchId = `s-${Math.random().toString(36).slice(2, 12)}`,
): SearchRequest {
  return {
    v: 1,
    search_id: searchId,
    host_id: hostId,
    pattern: 'error [0-9]+',
    container_ids: [CONTAINER],
    since: null,
    until: null,
    limit: 100,
    requested_by: 'alice',
  };
}

function matches(request: SearchRequest, hostId = request.host_id): SearchRecord {
  return {
    v: 1,
    kind: 'matches',
    search_id: request.search_id,
    host_id: hostId,
    matches: [
      {
        container_id: CONTAINER,
        container_name: 'web',
        ts: '2026-01-01T00:00:00.000000001Z',
        stream: 'stdout',
        line: 'error 42',
      },
    ],
  };
}

export function searchContract(ctx: ContractContext): void {
  describe('search', () => {
    it('delivers a request after the newest position, and opens its window first', async () => {
      const host = ctx.newHost();
      expect(await ctx.bus.search.newestRequest(host)).toBe('0-0');
      await ctx.bus.search.request(sampleSearch(host));
      const newest = await ctx.bus.search.newestRequest(host);
      expect(newest).not.toBe('0-0');
      const later = sampleSearch(host);
      const seen: SearchRequest[] = [];
      ctx
        .follow((_key, entries) =>
          seen.push(...ctx.bus.search.requests(host, entries).map((e) => e.value)),
        )
        .follow(RedisKeys.searchRequests(host), newest);
      await ctx.bus.search.request(later);
      await waitFor(() => seen.length > 0, { timeoutMs: 3_000, message: 'the later request' });
      expect(seen).toEqual([later]);
      expect(await ctx.bus.search.consumed(host, later.search_id)).toBe(0);
    });

    it('carries results to the gateway in order and drops forged or misfiled ones', async () => {
      const host = ctx.newHost();
      const request = sampleSearch(host);
      const other = sampleSearch(host);
      const key = RedisKeys.searchResults(host, request.search_id);
      // A record naming another host, or another search, planted in this search's stream.
      await ctx.raw.xadd(key, '*', { j: JSON.stringify(matches(request, 'elsewhere')) });
      await ctx.raw.xadd(key, '*', { j: JSON.stringify(matches(other)) });
      await ctx.raw.xadd(key, '*', { j: '{"kind":"matches"' });
      await ctx.bus.search.publish(matches(request));
      const done: SearchRecord = {
        v: 1,
        kind: 'done',
        search_id: request.search_id,
        host_id: host,
        containers_scanned: 1,
        bytes_scanned: 10,
      };
      await ctx.bus.search.publish(done);
      const seen: SearchRecord[] = [];
      ctx
        .follow((_key, entries) =>
          seen.push(
            ...ctx.bus.search.results(host, request.search_id, entries).map((e) => e.value),
          ),
        )
        .follow(key, '0-0');
      await waitFor(() => seen.length >= 2, { timeoutMs: 3_000, message: 'the results' });
      expect(seen).toEqual([matches(request), done]);
    });

    it('keeps the window the gateway renews and forgets it when the search ends', async () => {
      const host = ctx.newHost();
      const request = sampleSearch(host);
      expect(await ctx.bus.search.consumed(host, request.search_id)).toBeNull();
      await ctx.bus.search.request(request);
      await ctx.bus.search.renew(host, request.search_id, 3, 5_000);
      expect(await ctx.bus.search.consumed(host, request.search_id)).toBe(3);
      await ctx.bus.search.publish(matches(request));
      await ctx.bus.search.end(host, request.search_id);
      expect(await ctx.bus.search.consumed(host, request.search_id)).toBeNull();
    });

    it('lets a window the gateway stopped renewing expire', async () => {
      const host = ctx.newHost();
      const request = sampleSearch(host);
      await ctx.bus.search.renew(host, request.search_id, 1, 200);
      await waitFor(async () => (await ctx.bus.search.consumed(host, request.search_id)) === null, {
        timeoutMs: 3_000,
        message: 'the window expiring',
      });
    });

    it('reads a window that holds no count as no window (the agent stops)', async () => {
      const host = ctx.newHost();
      await ctx.raw.set(RedisKeys.searchWindow(host, 'search-abc'), 'lots');
      expect(await ctx.bus.search.consumed(host, 'search-abc')).toBeNull();
    });
  });
}
