import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Bus } from '@flotilla/bus';
import {
  SEARCH_LIMITS,
  searchPatternError,
  type SearchQuery,
  type SearchRequest,
  type SearchSummary,
} from '@flotilla/contracts';
import { randomUUID } from 'node:crypto';
import { canSeeHost } from '../auth/access-policy';
import type { Principal } from '../auth/principal';
import { GatewayError } from '../core/gateway-error';
import { BUS } from '../core/tokens';
import { FleetSearch, type SearchSink } from './fleet-search';
import { searchTargets } from './search-targets';

/** A host silent this long during a search is reported and no longer waited for. */
const HOST_TIMEOUT_MS = 15_000;

/** A search ready to run: its id, and `run` streaming its matches into a sink. */
export interface PreparedSearch {
  searchId: string;
  run(sink: SearchSink, signal: AbortSignal): Promise<SearchSummary>;
}

/**
 * Fleet-wide log search for REST and sockets: validates the query (a bad pattern starts
 * nothing), resolves the containers to read from the snapshots within the principal's scope,
 * and runs one `FleetSearch` over the hosts that hold them.
 */
@Injectable()
export class SearchService {
  private readonly logger = new Logger('Search');

  constructor(@Inject(BUS) private readonly bus: Bus) {}

  async prepare(principal: Principal, query: SearchQuery): Promise<PreparedSearch> {
    const patternError = searchPatternError(query.q);
    if (patternError) throw new GatewayError('invalid_payload', patternError);
    const since = query.since !== undefined ? searchTime(query.since, '000000') : null;
    // A millisecond time names the whole millisecond: `until` takes its last nanosecond.
    const until = query.until !== undefined ? searchTime(query.until, '999999') : null;
    if (since !== null && until !== null && until < since)
      throw new GatewayError('invalid_payload', 'until is before since');
    const limit = query.limit ?? SEARCH_LIMITS.defaultLimit;
    // An offline host's agent cannot read its logs: it is not asked (and not waited for).
    const hostIds = (await this.bus.hosts.list())
      .filter((h) => h.online)
      .map((h) => h.host_id)
      .filter((id) => canSeeHost(principal, id) && (query.host === undefined || id === query.host));
    const snapshots = (await Promise.all(hostIds.map((id) => this.bus.snapshots.list(id)))).flat();
    const targets = searchTargets(principal, snapshots, query);
    const searchId = randomUUID();
    const requests: SearchRequest[] = [];
    for (const [hostId, containers] of targets) {
      if (containers.length > SEARCH_LIMITS.maxContainersPerRequest)
        throw new GatewayError(
          'invalid_payload',
          `host ${hostId} has ${containers.length} matching containers; narrow the search to ${SEARCH_LIMITS.maxContainersPerRequest}`,
        );
      requests.push({
        v: 1,
        search_id: searchId,
        host_id: hostId,
        pattern: query.q,
        container_ids: containers.map((c) => c.container_id),
        since,
        until,
        limit,
        requested_by: principal.user.slice(0, 128),
      });
    }
    this.logger.log(
      `search ${searchId} by ${principal.user}: ${requests.length} hosts, ${snapshots.length} containers seen`,
    );
    return {
      searchId,
      run: (sink, signal) =>
        new FleetSearch(
          this.bus,
          requests,
          limit,
          { hostTimeoutMs: HOST_TIMEOUT_MS },
          this.logger,
        ).run(sink, signal),
    };
  }
}

/** An ISO time as the agents compare it: UTC, nine fraction digits. */
function searchTime(iso: string, nanos: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms))
    throw new GatewayError('invalid_payload', `"${iso}" is not an ISO 8601 time`);
  return `${new Date(ms).toISOString().slice(0, 23)}${nanos}Z`;
}
