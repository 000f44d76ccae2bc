import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Bus } from '@flotilla/bus';
import {
  dockerTime,
  type Container,
  type SearchMatch,
  type SearchRequest,
} from '@flotilla/contracts';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal';
import { GatewayError } from '../core/gateway-error';
import { BUS } from '../core/tokens';
import { FleetSearch } from '../search/fleet-search';

/** A host silent this long during a history read is given up (the read fails). */
const HOST_TIMEOUT_MS = 15_000;

/**
 * How far before `until` the reads of `lastBefore` reach, in turn (1 min, 10 min, 1 h, 1 day),
 * before the whole log is read.
 */
export const EARLIER_WINDOWS_MS = [60_000, 600_000, 3_600_000, 86_400_000] as const;

export interface HistoryRead {
  /** First and last Docker timestamps to read (UTC, nine fraction digits), inclusive. */
  since: string | null;
  until: string | null;
  /** Most lines returned: the first ones, or with `last` the newest ones before `until`. */
  limit: number;
  last?: boolean;
}

/** One line of Docker's own log as the agent read it. */
export type HistoryLine = Pick<SearchMatch, 'ts' | 'stream' | 'line'>;

/**
 * Lines of one container's own Docker log (what the bus does not retain), read by its host's
 * agent through the search path: a search of that one container with no pattern (window flow
 * control, cancellation and the agent's bounded reads come with it). What the agent sends back
 * is checked like any input from a host: the host (the result stream and the records' host are
 * checked by the bus), the container, the time range, and whole single lines.
 */
@Injectable()
export class DockerHistory {
  private readonly logger = new Logger('DockerHistory');

  constructor(@Inject(BUS) private readonly bus: Bus) {}

  async read(
    principal: Principal,
    container: Container,
    read: HistoryRead,
    signal: AbortSignal,
  ): Promise<HistoryLine[]> {
    const { host_id, container_id } = container;
    const host = await this.bus.hosts.get(host_id);
    if (!host?.online)
      throw new GatewayError(
        'host_offline',
        `host ${host_id} is offline: its Docker log cannot be read`,
        container_id,
      );
    const request: SearchRequest = {
      v: 1,
      search_id: randomUUID(),
      host_id,
      pattern: null,
      container_ids: [container_id],
      since: read.since,
      until: read.until,
      limit: read.limit,
      ...(read.last ? { last: read.limit } : {}),
      requested_by: principal.user.slice(0, 128),
    };
    const lines: HistoryLine[] = [];
    let invalid: string | null = null;
    const summary = await new FleetSearch(
      this.bus,
      [request],
      read.limit,
      { hostTimeoutMs: HOST_TIMEOUT_MS },
      this.logger,
    ).run(
      {
        matches: (matches) => {
          for (const m of matches) {
            invalid ??= checkLine(m, container_id, read);
            if (invalid === null) lines.push({ ts: m.ts, stream: m.stream, line: m.line });
          }
          return Promise.resolve();
        },
      },
      signal,
    );
    // A read cut short (its socket left, a newer read replaced it) is never taken as the whole.
    signal.throwIfAborted();
    if (invalid !== null || lines.length > read.limit) {
      this.logger.warn(`history read of ${container_id} on ${host_id} refused: ${invalid}`);
      throw new GatewayError(
        'command_failed',
        `host ${host_id} answered with log lines that were not asked for`,
        container_id,
      );
    }
    const failed = summary.hosts_failed?.[0];
    if (failed)
      throw new GatewayError(
        'command_failed',
        `Docker's log of ${container_id.slice(0, 12)} could not be read: ${failed.error}`,
        container_id,
      );
    return lines;
  }
}

/** A reader of Docker's log: `DockerHistory.read` (a fake of it in unit specs). */
export type HistoryReader = (read: HistoryRead) => Promise<HistoryLine[]>;

/**
 * The newest `count` lines stamped at or before `until`. Docker has no reverse read: a read with
 * no `since` goes through the whole log for every page. So the first reads reach back a window
 * only (each ten times or so the last, `EARLIER_WINDOWS_MS`), and the first that holds `count`
 * lines is the answer: the newest lines of a window ending at `until` are the newest of the log.
 * Only a log sparser than that is read from its start.
 */
export async function lastBefore(
  read: HistoryReader,
  until: string,
  count: number,
): Promise<HistoryLine[]> {
  const end = Date.parse(until);
  for (const window of EARLIER_WINDOWS_MS) {
    const since = dockerTime(new Date(end - window).toISOString());
    const lines = await read({ since, until, limit: count, last: true });
    if (lines.length >= count) return lines;
  }
  return read({ since: null, until, limit: count, last: true });
}

function checkLine(m: SearchMatch, containerId: string, read: HistoryRead): string | null {
  if (m.container_id !== containerId) return `a line of another container (${m.container_id})`;
  if ((read.since !== null && m.ts < read.since) || (read.until !== null && m.ts > read.until))
    return `a line stamped ${m.ts}, outside the range asked for`;
  // Each line becomes one line of a `log_update`: a line break inside would forge another.
  if (/[\r\n]/.test(m.line)) return 'a line holding a line break';
  return null;
}
