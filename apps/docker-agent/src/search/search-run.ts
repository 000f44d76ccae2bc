import type { Bus } from '@flotilla/bus';
import {
  SEARCH_LIMITS,
  type HostMatch,
  type SearchRecord,
  type SearchRequest,
} from '@flotilla/contracts';
import { describeError } from '@flotilla/logging';
import type { Readable } from 'node:stream';
import { RE2JS } from 're2js';
import type { AgentMetrics } from '../agent-metrics';
import type { ContainerClient } from '../docker/container-client';
import type { AgentLogger } from '../shared/agent-logger';
import { logLines, type LogLine } from './log-lines';
import { mergeByTime } from './merge-by-time';
import { dockerTime } from './search-time';

export interface SearchRunOptions {
  /** A batch is published when it is full or its first match is this old. */
  batchMs?: number;
  /** How often the window is read (cancel, gateway gone) while reading and while waiting. */
  pollMs?: number;
  /** How often progress is published while reading. */
  progressMs?: number;
}

type SearchDocker = Pick<ContainerClient, 'inspect' | 'readLogs'>;

/** The search ended: the window is gone (cancel, limit, the gateway left) or the agent stops. */
class SearchStopped extends Error {}

/**
 * One search on this host: reads Docker's own log of each requested container that really is
 * here (running or stopped; not following), merges their lines in time order, matches each with
 * RE2 (linear in the line's length whatever the pattern), and publishes matches in batches,
 * progress, then done. Flow control: never more than `SEARCH_LIMITS.windowBatches` batches ahead
 * of what the gateway consumed; the Docker reads are paused meanwhile. Once the window key is
 * gone, every Docker read is closed within `pollMs`.
 */
export class SearchRun {
  private readonly streams = new Set<Readable>();
  private readonly options: Required<SearchRunOptions>;
  private stopped = false;
  private published = 0;
  private matched = 0;
  private bytes = 0;
  private containersScanned = 0;
  private scannedTo: string | null = null;
  private batch: HostMatch[] = [];
  private batchStarted = 0;
  private lastProgress = 0;
  private poller: NodeJS.Timeout | null = null;

  constructor(
    private readonly request: SearchRequest,
    private readonly deps: {
      bus: Bus;
      docker: SearchDocker;
      metrics: AgentMetrics;
      logger: AgentLogger;
    },
    options: SearchRunOptions = {},
  ) {
    this.options = { batchMs: 200, pollMs: 250, progressMs: 500, ...options };
  }

  /** Runs the search to its end; never throws. */
  async run(): Promise<void> {
    const { request } = this;
    this.deps.metrics.counters.searchesRun++;
    this.poller = setInterval(() => void this.checkWindow(), this.options.pollMs);
    try {
      await this.search();
      await this.flush();
      await this.publish({
        kind: 'done',
        containers_scanned: this.containersScanned,
        bytes_scanned: this.bytes,
      });
    } catch (error: unknown) {
      // Once stopped, a read cut short fails however it was cut: that is the stop, not an error.
      if (!(error instanceof SearchStopped) && !this.stopped) {
        this.deps.logger.warn(`search ${request.search_id} failed: ${describeError(error)}`);
        await this.publish({ kind: 'error', error: describeError(error).slice(0, 512) }).catch(
          () => undefined,
        );
      }
    } finally {
      this.stop();
    }
  }

  /** Ends the search: closes every Docker read at once. */
  stop(): void {
    this.stopped = true;
    if (this.poller) clearInterval(this.poller);
    for (const stream of this.streams) stream.destroy();
  }

  private async search(): Promise<void> {
    const { pattern, last } = this.request;
    // No pattern: a history read of a log viewer, every line.
    const matcher = pattern === null ? null : RE2JS.compile(pattern);
    // `last`: only the newest lines are kept, in a ring of that size, and sent once read.
    const ring: HostMatch[] = [];
    let ringed = 0;
    const sources: AsyncIterator<LogLine & { container: number }>[] = [];
    const names: { id: string; name: string }[] = [];
    for (const id of this.request.container_ids) {
      // Only containers Docker has on this host; an unknown id is skipped, not an error.
      const info = await this.deps.docker.inspect(id).catch(() => null);
      this.checkStopped();
      if (info === null) continue;
      const index = names.push({ id, name: info.Name.replace(/^\//, '') }) - 1;
      sources.push(this.containerLines(id, index, info.Config.Tty === true));
    }
    const until = this.request.until;
    const lines = mergeByTime(sources);
    for await (const line of lines) {
      this.checkStopped();
      if (until !== null && line.ts > until) continue;
      this.scannedTo = line.ts;
      if (matcher === null || matcher.test(line.text)) {
        const { id, name } = names[line.container];
        const match: HostMatch = {
          container_id: id,
          container_name: name.slice(0, 256),
          ts: line.ts,
          stream: line.stream,
          line: line.text.slice(0, SEARCH_LIMITS.maxLineChars),
        };
        if (last !== undefined) {
          ring[ringed++ % last] = match;
        } else {
          this.batch.push(match);
          if (this.batch.length === 1) this.batchStarted = Date.now();
          if (++this.matched >= this.request.limit) return;
        }
      }
      const now = Date.now();
      if (
        this.batch.length >= SEARCH_LIMITS.batchMatches ||
        (this.batch.length > 0 && now - this.batchStarted >= this.options.batchMs)
      ) {
        await this.flush();
      } else if (now - this.lastProgress >= this.options.progressMs) {
        await this.progress();
      }
    }
    const oldest = last !== undefined && ringed > last ? ringed % last : 0;
    const kept = [...ring.slice(oldest), ...ring.slice(0, oldest)];
    for (let i = 0; i < kept.length; i += SEARCH_LIMITS.batchMatches) {
      this.batch = kept.slice(i, i + SEARCH_LIMITS.batchMatches);
      await this.flush();
    }
  }

  private async *containerLines(
    id: string,
    index: number,
    tty: boolean,
  ): AsyncGenerator<LogLine & { container: number }> {
    const { since, until } = this.request;
    let stream: Readable;
    try {
      stream = await this.deps.docker.readLogs(id, {
        ...(since !== null ? { since: dockerTime(since) } : {}),
        ...(until !== null ? { until: dockerTime(until) } : {}),
      });
    } catch (error: unknown) {
      // One unreadable log (a logging driver Docker cannot read back, a container just
      // removed) leaves the others to search.
      this.deps.logger.debug(
        `search ${this.request.search_id}: log of ${id} unreadable: ${describeError(error)}`,
      );
      return;
    }
    this.streams.add(stream);
    this.deps.metrics.counters.openSearchReads++;
    if (this.stopped) stream.destroy();
    try {
      for await (const line of logLines(stream, tty, (n) => (this.bytes += n))) {
        // Docker's `since` has second precision on some engines: the exact bound is kept here.
        if (since !== null && line.ts < since) continue;
        yield { ...line, container: index };
      }
      this.containersScanned++;
    } finally {
      this.streams.delete(stream);
      this.deps.metrics.counters.openSearchReads--;
      stream.destroy();
    }
  }

  /** Publishes the pending matches once the gateway is within the window. */
  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const matches = this.batch;
    this.batch = [];
    for (;;) {
      const consumed = await this.deps.bus.search.consumed(
        this.request.host_id,
        this.request.search_id,
      );
      if (consumed === null) this.stop();
      this.checkStopped();
      if (this.published - (consumed ?? 0) < SEARCH_LIMITS.windowBatches) break;
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs / 2));
    }
    this.published++;
    await this.publish({ kind: 'matches', matches });
    await this.progress();
  }

  private async progress(): Promise<void> {
    this.lastProgress = Date.now();
    await this.publish({
      kind: 'progress',
      containers_scanned: this.containersScanned,
      bytes_scanned: this.bytes,
      scanned_to: this.scannedTo,
    });
  }

  private async publish(
    record:
      | Omit<Extract<SearchRecord, { kind: 'matches' }>, 'v' | 'search_id' | 'host_id'>
      | Omit<Extract<SearchRecord, { kind: 'progress' }>, 'v' | 'search_id' | 'host_id'>
      | Omit<Extract<SearchRecord, { kind: 'done' }>, 'v' | 'search_id' | 'host_id'>
      | Omit<Extract<SearchRecord, { kind: 'error' }>, 'v' | 'search_id' | 'host_id'>,
  ): Promise<void> {
    const { search_id, host_id } = this.request;
    await this.deps.bus.search.publish({ v: 1, search_id, host_id, ...record });
  }

  /** Stops the reads once the gateway's window is gone (it cancelled, hit its limit, or left). */
  private async checkWindow(): Promise<void> {
    try {
      const consumed = await this.deps.bus.search.consumed(
        this.request.host_id,
        this.request.search_id,
      );
      if (consumed === null) this.stop();
    } catch (error: unknown) {
      this.deps.logger.debug(`search window unreadable: ${describeError(error)}`);
    }
  }

  private checkStopped(): void {
    if (this.stopped) throw new SearchStopped();
  }
}
