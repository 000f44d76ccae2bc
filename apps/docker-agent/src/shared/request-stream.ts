import type { Bus, StreamEntry, StreamFollower } from '@flotilla/bus';
import { describeError } from '@flotilla/logging';
import type { AgentLogger } from './agent-logger';
import { Sleeper } from './backoff';

/** What a request stream is, for the stage that follows it. */
export interface RequestStreamSource {
  /** Named in the log when the stream's end cannot be read. */
  name: string;
  /** The stream's key. */
  key: string;
  /** The stream's newest entry id, read from the bus. */
  newest: () => Promise<string>;
}

/**
 * Follows one of the host's request streams (commands, searches) from its newest entry at start:
 * what was queued before is stale. Where the stream ends is read from the bus rather than taken
 * from this host's clock, retried with backoff until the bus answers.
 */
export class RequestStream {
  private follower: StreamFollower | null = null;
  private readonly sleeper = new Sleeper();
  private stopped = false;

  constructor(
    private readonly bus: Bus,
    private readonly source: RequestStreamSource,
    private readonly receive: (entries: StreamEntry<Record<string, string>>[]) => void,
    private readonly logger: AgentLogger,
  ) {}

  async start(): Promise<void> {
    let position: string | undefined;
    for (
      let delay = 250;
      position === undefined && !this.stopped;
      delay = Math.min(delay * 2, 5_000)
    ) {
      try {
        position = await this.source.newest();
      } catch (error: unknown) {
        this.logger.warn(`${this.source.name} unreadable, retrying: ${describeError(error)}`);
        await this.sleeper.sleep(delay);
      }
    }
    if (position === undefined || this.stopped || this.follower) return;
    this.follower = this.bus.follower((_key, entries) => this.receive(entries));
    this.follower.follow(this.source.key, position);
  }

  /** Stops following (and a start still waiting for the bus). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.wake();
    await this.follower?.close();
  }
}
