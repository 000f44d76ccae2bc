import { LeasedChannel, type ChannelViewer } from '../bus/leased-channels';
import type { ClientConnection } from '../socket/client-connection';
import type { StreamMeta } from './log-slicing';

/** One socket watching one container's log. */
export class LogView implements ChannelViewer {
  /** Number of the last line sent to (or deliberately skipped for) the socket. */
  cursor = 0;
  /** Fed by the follower; otherwise still sending its backfill or catching up by range reads. */
  live = false;
  /** Live lines skipped since the socket fell behind, reported in one gap marker once it drains. */
  dropped = 0;
  /** The id the socket had received up to when dropping began (the gap marker's `resume_after`). */
  resumeAfter: string | null = null;
  /** Aborted when the view ends or a newer start on the same container replaces it. */
  readonly ended = new AbortController();
  /**
   * A stream from `since` that read Docker's log up to now (nothing was retained yet): stream
   * lines stamped at or before this were sent from Docker's log and are passed over.
   */
  sentThrough: string | null = null;
  /** Lines a stream from `since` may still send before it skips to the live edge. */
  budget = Infinity;
  /** Settles when the view's backfill and catch-up have finished (or given up). */
  backfilled: Promise<void> = Promise.resolve();

  constructor(
    readonly connection: ClientConnection,
    readonly channel: LogChannel,
  ) {}

  end(): void {
    this.ended.abort();
  }
}

/** A container's log stream as this replica follows it for its local viewers. */
export class LogChannel extends LeasedChannel<LogView> {
  /** Number of the last line of the newest entry the follower handed out (or follows from). */
  delivered = 0;

  get meta(): StreamMeta {
    return {
      container_id: this.container.container_id,
      host_id: this.container.host_id,
      tty: this.container.tty,
    };
  }
}
