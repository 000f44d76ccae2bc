import type { Bus, StreamEntry } from '@flotilla/bus';
import { RedisKeys } from '@flotilla/contracts';
import type { AgentMetrics } from '../agent-metrics';
import type { ContainerClient } from '../docker/container-client';
import type { AgentLogger } from '../shared/agent-logger';
import { RequestStream } from '../shared/request-stream';
import { SearchRun, type SearchRunOptions } from './search-run';

/** Searches one agent runs at once; more wait their turn (each holds its Docker reads open). */
const MAX_RUNNING = 4;

/**
 * Follows the host's search request stream (from its newest entry at start: older requests are
 * stale) and runs each request as a `SearchRun`, at most `MAX_RUNNING` at a time.
 */
export class SearchService {
  private readonly requests: RequestStream;
  private readonly running = new Set<SearchRun>();
  private readonly waiting: SearchRun[] = [];
  private readonly done = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly hostId: string,
    private readonly deps: {
      bus: Bus;
      docker: Pick<ContainerClient, 'inspect' | 'readLogs'>;
      metrics: AgentMetrics;
      logger: AgentLogger;
    },
    private readonly runOptions: SearchRunOptions = {},
  ) {
    this.requests = new RequestStream(
      deps.bus,
      {
        name: 'search requests',
        key: RedisKeys.searchRequests(hostId),
        newest: () => deps.bus.search.newestRequest(hostId),
      },
      (entries) => this.receive(entries),
      deps.logger,
    );
  }

  /** Follows the host's search request stream from its newest entry. */
  start(): Promise<void> {
    return this.requests.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.requests.stop();
    this.waiting.length = 0;
    for (const run of this.running) run.stop();
    await Promise.all(this.done);
  }

  private receive(entries: StreamEntry<Record<string, string>>[]): void {
    for (const { value: request } of this.deps.bus.search.requests(this.hostId, entries)) {
      this.deps.logger.log(
        `search ${request.search_id} by ${request.requested_by}: ${request.container_ids.length} containers`,
      );
      this.waiting.push(
        new SearchRun(request, { ...this.deps, logger: this.deps.logger }, this.runOptions),
      );
    }
    this.next();
  }

  private next(): void {
    while (!this.stopped && this.running.size < MAX_RUNNING && this.waiting.length > 0) {
      const run = this.waiting.shift() as SearchRun;
      this.running.add(run);
      const done = run.run().finally(() => {
        this.running.delete(run);
        this.done.delete(done);
        this.next();
      });
      this.done.add(done);
    }
  }
}
