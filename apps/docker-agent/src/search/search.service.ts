import type { Bus, StreamEntry, StreamFollower } from '@flotilla/bus';
import { RedisKeys } from '@flotilla/contracts';
import { describeError } from '@flotilla/logging';
import type { AgentMetrics } from '../agent-metrics';
import type { ContainerClient } from '../docker/container-client';
import type { AgentLogger } from '../shared/agent-logger';
import { Sleeper } from '../shared/backoff';
import { SearchRun, type SearchRunOptions } from './search-run';

/** Searches one agent runs at once; more wait their turn (each holds its Docker reads open). */
const MAX_RUNNING = 4;

/**
 * Follows the host's search request stream (from its newest entry at start: older requests are
 * stale) and runs each request as a `SearchRun`, at most `MAX_RUNNING` at a time.
 */
export class SearchService {
  private follower: StreamFollower | null = null;
  private readonly sleeper = new Sleeper();
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
  ) {}

  /** Finds where the request stream ends (retried until the bus answers), then follows it. */
  async start(): Promise<void> {
    let position: string | undefined;
    for (
      let delay = 250;
      position === undefined && !this.stopped;
      delay = Math.min(delay * 2, 5_000)
    ) {
      try {
        position = await this.deps.bus.search.newestRequest(this.hostId);
      } catch (error: unknown) {
        this.deps.logger.warn(`search requests unreadable, retrying: ${describeError(error)}`);
        await this.sleeper.sleep(delay);
      }
    }
    if (position === undefined || this.stopped || this.follower) return;
    this.follower = this.deps.bus.follower((_key, entries) => this.receive(entries));
    this.follower.follow(RedisKeys.searchRequests(this.hostId), position);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.wake();
    await this.follower?.close();
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
