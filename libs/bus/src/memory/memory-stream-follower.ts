import type { RawStreamEntry } from '../codecs';
import { type BusLogger } from '../common/logger';
import { parseStreamId } from '../common/stream-ids';
import type { StreamFollower } from '../ports';
import type { MemoryStore } from './memory-store';
import { rawEntries } from './raw-entries';
import { describeError } from '@flotilla/logging';

/** Most entries handed over per stream per turn, so a long backlog cannot hog the event loop. */
const PAGE = 500;

interface Followed {
  cursor: string;
  stopListening: () => void;
}

/**
 * Follows memory streams. An append only schedules a drain (setImmediate), so entries reach
 * `onEntries` asynchronously, in order, and batched like XREAD results.
 */
export class MemoryStreamFollower implements StreamFollower {
  private readonly followed = new Map<string, Followed>();
  private scheduled: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(
    private readonly store: MemoryStore,
    private readonly onEntries: (key: string, entries: RawStreamEntry[]) => void,
    private readonly logger: BusLogger,
  ) {}

  follow(key: string, after: string): void {
    if (this.closed) return;
    parseStreamId(after);
    this.followed.get(key)?.stopListening();
    this.followed.set(key, {
      cursor: after,
      stopListening: this.store.onAppend(key, () => this.schedule()),
    });
    this.schedule();
  }

  unfollow(key: string): void {
    this.followed.get(key)?.stopListening();
    this.followed.delete(key);
  }

  close(): Promise<void> {
    this.closed = true;
    for (const key of [...this.followed.keys()]) this.unfollow(key);
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    return Promise.resolve();
  }

  private schedule(): void {
    if (this.closed || this.scheduled) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.drain();
    });
  }

  private drain(): void {
    let more = false;
    for (const [key, followed] of this.followed) {
      if (this.closed) return;
      const page = this.store.stream(key)?.range(followed.cursor, null, PAGE) ?? [];
      const last = page[page.length - 1];
      if (!last) continue;
      followed.cursor = last.id;
      more ||= page.length === PAGE;
      try {
        this.onEntries(key, rawEntries(page));
      } catch (error: unknown) {
        this.logger.error(`stream follower handler failed on ${key}: ${describeError(error)}`);
      }
    }
    if (more) this.schedule();
  }
}
