import type { Bus, StreamEntry, StreamFollower } from '@flotilla/bus';
import {
  RedisKeys,
  SEARCH_LIMITS,
  TIMINGS,
  type SearchMatch,
  type SearchRecord,
  type SearchRequest,
  type SearchSummary,
} from '@flotilla/contracts';
import { describeError } from '@flotilla/logging';
import { TimeMerge } from './time-merge';

export interface SearchProgress {
  containers_scanned: number;
  bytes_scanned: number;
}

/** Where a search's merged matches go; each call resolves when the consumer took them. */
export interface SearchSink {
  matches(matches: SearchMatch[], progress: SearchProgress): Promise<void>;
  /** Progress while no match is ready, at most every `PROGRESS_EVERY_MS` and only when it moved. */
  progress?(progress: SearchProgress): void;
}

const PROGRESS_EVERY_MS = 500;

export interface FleetSearchOptions {
  /** A host that sends nothing for this long is given up (reported in `hosts_failed`). */
  hostTimeoutMs: number;
}

interface HostState {
  containersScanned: number;
  bytesScanned: number;
  lastHeard: number;
}

interface Logger {
  warn(message: string): void;
}

/**
 * One search across hosts: sends each host its request, merges their result streams by time
 * into `sink` (waiting for it: backpressure up to the agents through their windows), stops at
 * the limit, and ends every host's search (its window deleted: the agent stops reading) on
 * limit, cancel (`signal`), error, or once all are done.
 */
export class FleetSearch {
  private readonly merge: TimeMerge;
  private readonly hosts = new Map<string, HostState>();
  private readonly failed: { host_id: string; error: string }[] = [];
  private follower: StreamFollower | null = null;
  private wake: (() => void) | null = null;
  private emitted = 0;
  private ended = false;
  private renewing: Promise<void> = Promise.resolve();
  private reported = { bytes: -1, containers: -1, at: 0 };

  constructor(
    private readonly bus: Bus,
    private readonly requests: SearchRequest[],
    private readonly limit: number,
    private readonly options: FleetSearchOptions,
    private readonly logger: Logger,
  ) {
    this.merge = new TimeMerge(requests.map((r) => r.host_id));
    for (const r of requests)
      this.hosts.set(r.host_id, { containersScanned: 0, bytesScanned: 0, lastHeard: Date.now() });
  }

  async run(sink: SearchSink, signal: AbortSignal): Promise<SearchSummary> {
    const onAbort = (): void => this.poke();
    signal.addEventListener('abort', onAbort, { once: true });
    const renewer = setInterval(() => void this.renewAll(), TIMINGS.searchWindowRenewMs);
    try {
      this.follower = this.bus.follower((key, entries) => this.receive(key, entries));
      await Promise.all(
        this.requests.map(async (request) => {
          try {
            await this.bus.search.request(request);
            this.follower?.follow(
              RedisKeys.searchResults(request.host_id, request.search_id),
              '0-0',
            );
          } catch (error: unknown) {
            this.fail(request.host_id, `the request was not sent: ${describeError(error)}`);
          }
        }),
      );
      while (!signal.aborted && this.emitted < this.limit && !this.merge.drained) {
        const batch = this.merge.take(
          Math.min(SEARCH_LIMITS.batchMatches, this.limit - this.emitted),
        );
        if (batch.length > 0) {
          this.emitted += batch.length;
          await sink.matches(batch, this.noteReported(this.totals()));
          await this.renewAll();
          continue;
        }
        this.timeOutSilentHosts();
        if (this.merge.drained) break;
        this.reportProgress(sink);
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, 500);
        });
        this.wake = null;
      }
      const totals = this.totals();
      return {
        done: true,
        matches: this.emitted,
        containers_scanned: totals.containers_scanned,
        bytes_scanned: totals.bytes_scanned,
        truncated: this.emitted >= this.limit && this.merge.pending,
        ...(this.failed.length > 0 ? { hosts_failed: this.failed } : {}),
      };
    } finally {
      clearInterval(renewer);
      signal.removeEventListener('abort', onAbort);
      // A renewal landing after the end would bring the window back: the agent would go on.
      this.ended = true;
      await this.renewing;
      await this.follower?.close();
      await Promise.all(
        this.requests.map((r) =>
          this.bus.search.end(r.host_id, r.search_id).catch((error: unknown) => {
            this.logger.warn(
              `search ${r.search_id} on ${r.host_id} not ended: ${describeError(error)}`,
            );
          }),
        ),
      );
    }
  }

  private receive(key: string, entries: StreamEntry<Record<string, string>>[]): void {
    const request = this.requests.find(
      (r) => RedisKeys.searchResults(r.host_id, r.search_id) === key,
    );
    if (!request) return;
    const hostId = request.host_id;
    const host = this.hosts.get(hostId) as HostState;
    for (const { value } of this.bus.search.results(hostId, request.search_id, entries)) {
      host.lastHeard = Date.now();
      this.apply(hostId, host, value);
    }
    this.poke();
  }

  private apply(hostId: string, host: HostState, record: SearchRecord): void {
    if (this.merge.isFinished(hostId)) return;
    switch (record.kind) {
      case 'matches':
        this.merge.push(hostId, record.matches);
        break;
      case 'progress':
        host.containersScanned = record.containers_scanned;
        host.bytesScanned = record.bytes_scanned;
        this.merge.progress(hostId, record.scanned_to);
        break;
      case 'done':
        host.containersScanned = record.containers_scanned;
        host.bytesScanned = record.bytes_scanned;
        this.merge.finish(hostId);
        break;
      case 'error':
        this.fail(hostId, record.error);
        break;
    }
  }

  private reportProgress(sink: SearchSink): void {
    const totals = this.totals();
    const now = Date.now();
    if (
      !sink.progress ||
      now - this.reported.at < PROGRESS_EVERY_MS ||
      (totals.bytes_scanned === this.reported.bytes &&
        totals.containers_scanned === this.reported.containers)
    )
      return;
    sink.progress(this.noteReported(totals));
  }

  private noteReported(totals: SearchProgress): SearchProgress {
    this.reported = {
      bytes: totals.bytes_scanned,
      containers: totals.containers_scanned,
      at: Date.now(),
    };
    return totals;
  }

  private timeOutSilentHosts(): void {
    const now = Date.now();
    for (const [hostId, host] of this.hosts) {
      // A host with matches queued here waits for us, not the other way round.
      if (this.merge.queued(hostId)) host.lastHeard = now;
      else if (!this.merge.isFinished(hostId) && now - host.lastHeard > this.options.hostTimeoutMs)
        this.fail(hostId, `no answer for ${Math.round(this.options.hostTimeoutMs / 1_000)} s`);
    }
  }

  private fail(hostId: string, error: string): void {
    if (this.merge.isFinished(hostId)) return;
    this.failed.push({ host_id: hostId, error });
    this.merge.finish(hostId);
    this.poke();
  }

  /** Tells each agent how many batches were consumed, and keeps its window alive. */
  private renewAll(): Promise<void> {
    if (this.ended) return this.renewing;
    this.renewing = this.renewing.then(() => this.renew());
    return this.renewing;
  }

  private async renew(): Promise<void> {
    if (this.ended) return;
    await Promise.all(
      this.requests
        .filter((r) => !this.merge.isFinished(r.host_id))
        .map((r) =>
          this.bus.search
            .renew(
              r.host_id,
              r.search_id,
              this.merge.consumed(r.host_id),
              TIMINGS.searchWindowTtlMs,
            )
            .catch((error: unknown) =>
              this.logger.warn(`search window not renewed: ${describeError(error)}`),
            ),
        ),
    );
  }

  private totals(): SearchProgress {
    let containers = 0;
    let bytes = 0;
    for (const host of this.hosts.values()) {
      containers += host.containersScanned;
      bytes += host.bytesScanned;
    }
    return { containers_scanned: containers, bytes_scanned: bytes };
  }

  private poke(): void {
    this.wake?.();
  }
}
