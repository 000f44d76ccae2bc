import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  LIMITS,
  lastLineSeqOf,
  type Container,
  logEntryId,
  type LogUpdatePayload,
  type OkAck,
  type StartLogStreamAck,
  type StartLogStreamPayload,
  type StopLogStreamPayload,
} from '@flotilla/contracts';
import type { Bus, LogEntry } from '@flotilla/bus';
import { canSee } from '../auth/access-policy';
import {
  ChannelServices,
  LeasedChannels,
  type ChannelKind,
  type ChannelStopReason,
} from '../bus/leased-channels';
import type { RawEntries } from '../bus/stream-router.service';
import type { GatewayTuning } from '../core/gateway-tuning';
import { BUS, GATEWAY_TUNING } from '../core/tokens';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ClientOutbox } from '../socket/client-outbox.service';
import type { ClientConnection } from '../socket/client-connection';
import { LogChannel, LogView } from './log-channel';
import {
  buildLogUpdates,
  checkResume,
  gapUpdate,
  linesAfter,
  type EntrySlice,
} from './log-slicing';

/**
 * A backfill or catch-up reads pages of about this many bytes of text (the entry count follows
 * the largest entry seen so far), so what a view holds while its socket drains stays small
 * whatever the size of the stored entries.
 */
const PAGE_BYTES = 512 * 1024;
/** Entries in the first page of a view, and at most in any page. */
const FIRST_PAGE = 8;
const MAX_PAGE = 100;

const STOPPED_MESSAGES: Record<ChannelStopReason, string> = {
  requested: 'Log stream stopped',
  removed: 'Container was removed',
  error: 'Log stream failed',
};

/**
 * Log streams: one channel per container with viewers on this replica (LeasedChannels: one
 * lease, one followed stream), one view per watching socket with its own cursor. A view sends its backfill (`tail`
 * lines, or everything after `after`), catches up by range reads, then is fed live; every line
 * goes out once because every send moves the view's cursor past it.
 */
@Injectable()
export class LogStreamService implements OnModuleDestroy, ChannelKind<LogChannel, LogView> {
  readonly kind = 'logs';
  readonly noun = 'log stream';
  private readonly channels: LeasedChannels<LogChannel, LogView>;
  private readonly backfills = new Set<Promise<void>>();

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly outbox: ClientOutbox,
    private readonly metrics: GatewayMetrics,
    @Inject(GATEWAY_TUNING) private readonly tuning: GatewayTuning,
    services: ChannelServices,
  ) {
    this.channels = new LeasedChannels(this, services);
    metrics.observe({ logStreams: () => this.channels.size });
  }

  async start(
    connection: ClientConnection,
    payload: StartLogStreamPayload,
  ): Promise<StartLogStreamAck> {
    const { container, key } = await this.channels.admit(connection, payload);
    const ack: StartLogStreamAck = {
      status: 'stream_started',
      container_id: container.container_id,
      host_id: container.host_id,
    };
    if (!this.channels.accepts(connection)) return ack;
    const view = new LogView(connection, this.channels.channelFor(key, container));
    // A second start on the same container restarts the socket's stream from the new position:
    // the view it replaces stops at once and releases what it held, and the new backfill begins
    // only once the old one has returned, so a socket has one backfill per container in flight.
    const replaced = this.channels.join(view);
    view.backfilled = this.backfill(view, payload, replaced?.backfilled);
    this.track(view.backfilled);
    return ack;
  }

  /** Idempotent: a stream already ended (or never started here) is answered ok too. */
  stop(connection: ClientConnection, payload: StopLogStreamPayload): OkAck {
    const view = this.channels.findToEnd(connection, payload.container_id, payload.host_id);
    if (view) this.channels.stop(view, 'requested');
    return { status: 'ok' };
  }

  /** The socket went away: forget its views, closing channels nobody here watches any more. */
  dropConnection(connection: ClientConnection): void {
    this.channels.dropConnection(connection);
  }

  channelSummary(): { key: string; viewers: number; delivered: number }[] {
    return this.channels.all().map((c) => ({
      key: c.key,
      viewers: c.viewers.size,
      delivered: c.delivered,
    }));
  }

  async onModuleDestroy(): Promise<void> {
    this.channels.closeAll();
    await Promise.allSettled([...this.backfills]);
  }

  createChannel(key: string, container: Container): LogChannel {
    return new LogChannel(key, container);
  }

  /** The channel follows from the newest stored entry; views catch up to it by range reads. */
  async prepare(channel: LogChannel): Promise<string> {
    const { host_id, container_id } = channel.container;
    const last = await this.bus.logs.last(host_id, container_id);
    channel.delivered = last?.seq ?? 0;
    return last?.id ?? '0-0';
  }

  private isCurrent(view: LogView): boolean {
    return this.channels.isCurrent(view);
  }

  private track(task: Promise<void>): void {
    this.backfills.add(task);
    void task.finally(() => this.backfills.delete(task));
  }

  /** Backfill, catch-up, live. Failures end the view with an `error` to its socket. */
  private async backfill(
    view: LogView,
    payload: StartLogStreamPayload,
    previous: Promise<void> | undefined,
  ): Promise<void> {
    try {
      await previous;
      await view.channel.ready;
      if (!this.isCurrent(view)) return;
      const tail = payload.tail ?? LIMITS.defaultTail;
      if (payload.after === undefined) {
        await this.sendTail(view, tail);
      } else {
        await this.resume(view, lastLineSeqOf(payload.after), tail);
      }
      await this.catchUp(view);
    } catch (error: unknown) {
      if (this.isCurrent(view)) this.channels.stop(view, 'error', error);
    }
  }

  /**
   * The newest `tail` lines: the cursor goes `tail` lines back from the newest stored line, and
   * the catch-up sends them page by page (entry ids count lines).
   */
  private async sendTail(view: LogView, tail: number): Promise<void> {
    const { host_id, container_id } = view.channel.container;
    const last = await this.bus.logs.last(host_id, container_id);
    view.cursor = Math.max(view.cursor, (last?.seq ?? 0) - tail);
  }

  /** Everything after line `afterSeq`, behind a gap marker when retention trimmed some of it. */
  private async resume(view: LogView, afterSeq: number, tail: number): Promise<void> {
    const { host_id, container_id } = view.channel.container;
    const [first, last] = await Promise.all([
      this.bus.logs.first(host_id, container_id),
      this.bus.logs.last(host_id, container_id),
    ]);
    if (!this.isCurrent(view)) return;
    const check = checkResume(afterSeq, first, last);
    if (check.kind === 'reset') {
      this.sendUpdate(
        view,
        gapUpdate(view.channel.meta, { reason: 'reset', lost: null, resume_after: null }),
      );
      await this.sendTail(view, tail);
      return;
    }
    if (check.kind === 'retention') {
      this.sendUpdate(
        view,
        gapUpdate(view.channel.meta, { reason: 'retention', lost: check.lost, resume_after: null }),
      );
    }
    view.cursor = afterSeq;
  }

  /** Range reads from the view's cursor until it reaches what the follower has delivered. */
  private async catchUp(view: LogView): Promise<void> {
    const { host_id, container_id } = view.channel.container;
    let count = FIRST_PAGE;
    let largest = 1;
    while (this.isCurrent(view)) {
      if (view.cursor >= view.channel.delivered) {
        view.live = true;
        return;
      }
      const page = await this.bus.logs.range(host_id, container_id, logEntryId(view.cursor), count);
      if (!this.isCurrent(view)) return;
      if (page.length === 0) {
        view.live = true;
        return;
      }
      for (const entry of page) largest = Math.max(largest, entry.text.length);
      count = Math.min(MAX_PAGE, Math.max(1, Math.floor(PAGE_BYTES / largest)));
      await this.sendPaced(view, slicesAfter(page, view.cursor));
      view.cursor = Math.max(view.cursor, page[page.length - 1].seq);
    }
  }

  onEntries(channel: LogChannel, raw: RawEntries): void {
    const { host_id, container_id } = channel.container;
    const entries = this.bus.records.logs(host_id, container_id, raw);
    if (entries.length === 0) return;
    channel.delivered = Math.max(channel.delivered, entries[entries.length - 1].seq);
    for (const view of channel.viewers.values()) {
      if (view.live) this.deliverLive(view, entries);
    }
  }

  /**
   * Live lines to one view. A socket whose queue is over the cap gets none: they are counted,
   * and once it drains it gets one `dropped` gap marker saying how many and where to resume.
   */
  private deliverLive(view: LogView, entries: LogEntry[]): void {
    if (!canSee(view.connection.principal, view.channel.container)) return;
    const slices = slicesAfter(entries, view.cursor);
    if (slices.length === 0) return;
    const updates = buildLogUpdates(slices, view.channel.meta, this.tuning.maxUpdateBytes);
    for (let i = 0; i < updates.length; i++) {
      if (view.dropped > 0 && !this.outbox.isBackedUp(view.connection, this.lowWater))
        this.flushDropped(view);
      if (view.dropped > 0 || this.outbox.isBackedUp(view.connection)) {
        this.drop(view, updates.slice(i));
        return;
      }
      this.sendUpdate(view, updates[i]);
    }
  }

  private get lowWater(): number {
    return this.tuning.socketBufferCapBytes / 2;
  }

  private drop(view: LogView, updates: LogUpdatePayload[]): void {
    let lines = 0;
    for (const update of updates) for (const ref of update.entries) lines += ref.n;
    const lastRefs = updates[updates.length - 1].entries;
    if (view.dropped === 0) {
      view.resumeAfter = logEntryId(view.cursor);
      void this.outbox.whenRoom(view.connection, this.lowWater, view.ended.signal).then((ok) => {
        if (ok && this.isCurrent(view) && view.dropped > 0) this.flushDropped(view);
      });
    }
    view.dropped += lines;
    view.cursor = Math.max(view.cursor, lastLineSeqOf(lastRefs[lastRefs.length - 1].id));
    this.metrics.droppedLines.inc(lines);
  }

  private flushDropped(view: LogView): void {
    const gap = { reason: 'dropped' as const, lost: view.dropped, resume_after: view.resumeAfter };
    view.dropped = 0;
    view.resumeAfter = null;
    this.sendUpdate(view, gapUpdate(view.channel.meta, gap));
  }

  /** Backfill and catch-up: waits for the socket to drain before each update (never drops). */
  private async sendPaced(view: LogView, slices: EntrySlice[]): Promise<void> {
    for (const update of buildLogUpdates(slices, view.channel.meta, this.tuning.maxUpdateBytes)) {
      const room = await this.outbox.whenRoom(view.connection, undefined, view.ended.signal);
      if (!room || !this.isCurrent(view)) return;
      this.sendUpdate(view, update);
    }
  }

  private sendUpdate(view: LogView, update: LogUpdatePayload): void {
    this.outbox.send(view.connection, 'log_update', update);
    const refs = update.entries;
    if (refs.length === 0) return;
    let lines = 0;
    for (const ref of refs) lines += ref.n;
    this.metrics.logLinesOut.inc(lines);
    view.cursor = Math.max(view.cursor, lastLineSeqOf(refs[refs.length - 1].id));
  }

  sendStopped(view: LogView, reason: ChannelStopReason): void {
    const { container_id, host_id } = view.channel.container;
    this.outbox.send(view.connection, 'log_stream_stopped', {
      container_id,
      host_id,
      message: STOPPED_MESSAGES[reason],
      reason,
    });
  }
}

function slicesAfter(entries: readonly LogEntry[], afterSeq: number): EntrySlice[] {
  const slices: EntrySlice[] = [];
  for (const entry of entries) {
    const slice = linesAfter(entry, afterSeq);
    if (slice) slices.push(slice);
  }
  return slices;
}
