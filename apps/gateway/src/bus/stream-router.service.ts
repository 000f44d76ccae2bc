import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Bus, StreamEntry, StreamFollower } from '@flotilla/bus';
import { BUS } from '../core/tokens';

export type RawEntries = StreamEntry<Record<string, string>>[];
export type EntriesHandler = (entries: RawEntries) => void;

/**
 * The replica's one `StreamFollower`: every followed stream (host event streams, and the log and
 * stats streams of containers with viewers here) shares one blocking read, and entries are routed
 * to the handler registered for their key.
 */
@Injectable()
export class StreamRouter implements OnModuleDestroy {
  private readonly logger = new Logger(StreamRouter.name);
  private readonly handlers = new Map<string, EntriesHandler>();
  private readonly follower: StreamFollower;
  private closed = false;

  constructor(@Inject(BUS) bus: Bus) {
    this.follower = bus.follower((key, entries) => this.route(key, entries));
  }

  /** Follows `key` from after `after` (exclusive), handing its entries to `handler`. */
  follow(key: string, after: string, handler: EntriesHandler): void {
    if (this.closed) return;
    this.handlers.set(key, handler);
    this.follower.follow(key, after);
  }

  unfollow(key: string): void {
    if (!this.handlers.delete(key) || this.closed) return;
    this.follower.unfollow(key);
  }

  followedKeys(): string[] {
    return [...this.handlers.keys()];
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    await this.follower.close();
  }

  private route(key: string, entries: RawEntries): void {
    const handler = this.handlers.get(key);
    if (!handler) return;
    try {
      handler(entries);
    } catch (error: unknown) {
      this.logger.error(
        `handling entries of ${key} failed`,
        error instanceof Error ? error.stack : String(error),
      );
    }
  }
}
