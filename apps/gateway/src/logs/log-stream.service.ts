import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  LIMITS,
  RedisKeys,
  lastLineSeqOf,
  logEntryId,
  type Container,
  type LogStreamStoppedReason,
  type LogUpdatePayload,
  type OkAck,
  type StartLogStreamAck,
  type StartLogStreamPayload,
  type StopLogStreamPayload,
} from '@flotilla/contracts';
import type { Bus, LogEntry } from '@flotilla/bus';
import { canSee } from '../auth/access-policy';
import { LeaseKeeper } from '../bus/lease-keeper.service';
import { StreamRouter, type RawEntries } from '../bus/stream-router.service';
import { ErrorReporter } from '../core/error-reporter';
import { GatewayError } from '../core/gateway-error';
import type { GatewayTuning } from '../core/gateway-tuning';
import { BUS, GATEWAY_TUNING } from '../core/tokens';
import { ContainerResolver } from '../fleet/container-resolver.service';
import { FleetStateService } from '../fleet/fleet-state.service';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ClientOutbox } from '../socket/client-outbox.service';
import type { ClientSession } from '../socket/client-session';
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

/**
 * Log streams: one channel per container with viewers on this replica (one lease, one followed
 * stream), one view per watching socket with its own cursor. A view sends its backfill (`tail`
 * lines, or everything after `after`), catches up by range reads, then is fed live; every line
 * goes out once because every send moves the view's cursor past it.
 */
@Injectable()
export class LogStreamService implements OnModuleDestroy {
  private readonly channels = new Map<string, LogChannel>();
  private readonly backfills = new Set<Promise<void>>();
  private closed = false;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly router: StreamRouter,
    private readonly leases: LeaseKeeper,
    private readonly resolver: ContainerResolver,
    private readonly outbox: ClientOutbox,
    private readonly metrics: GatewayMetrics,
    private readonly errors: ErrorReporter,
    @Inject(GATEWAY_TUNING) private readonly tuning: GatewayTuning,
    fleet: FleetStateService,
  ) {
    fleet.onContainerRemoved((hostId, removed) => {
      for (const containerId of this.removedOn(hostId, removed))
        this.containerRemoved(hostId, containerId);
    });
    metrics.observe({ logStreams: () => this.channels.size });
  }

  async start(session: ClientSession, payload: StartLogStreamPayload): Promise<StartLogStreamAck> {
    const container = await this.resolver.resolveLive(
      session.principal,
      payload.container_id,
      payload.host_id,
    );
    const key = RedisKeys.logs(container.host_id, container.container_id);
    if (!session.logKeys.has(key) && session.streamCount >= this.tuning.maxStreamsPerSocket) {
      throw new GatewayError(
        'rate_limited',
        `at most ${this.tuning.maxStreamsPerSocket} streams per connection`,
        payload.container_id,
      );
    }
    const ack: StartLogStreamAck = {
      status: 'stream_started',
      container_id: container.container_id,
      host_id: container.host_id,
    };
    if (session.closed || this.closed) return ack;
    const channel = this.channels.get(key) ?? this.open(key, container);
    const view = new LogView(session, channel);
    // A second start on the same container restarts the socket's stream from the new position:
    // the view it replaces stops at once and releases what it held, and the new backfill begins
    // only once the old one has returned, so a socket has one backfill per container in flight.
    const replaced = channel.viewers.get(session.id);
    replaced?.ended.abort();
    channel.viewers.set(session.id, view);
    session.logKeys.add(key);
    view.backfilled = this.backfill(view, payload, replaced?.backfilled);
    this.track(view.backfilled);
    return ack;
  }

  stop(session: ClientSession, payload: StopLogStreamPayload): OkAck {
    const view = this.viewOf(session, payload.container_id, payload.host_id);
    this.removeView(view);
    this.sendStopped(view, 'requested', 'Log stream stopped');
    return { status: 'ok' };
  }

  /** The socket went away: forget its views, closing channels nobody here watches any more. */
  dropSession(session: ClientSession): void {
    for (const key of [...session.logKeys]) {
      const view = this.channels.get(key)?.viewers.get(session.id);
      if (view) this.removeView(view);
    }
    session.logKeys.clear();
  }

  channelSummary(): { key: string; viewers: number; delivered: number }[] {
    return [...this.channels.values()].map((c) => ({
      key: c.key,
      viewers: c.viewers.size,
      delivered: c.delivered,
    }));
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    for (const channel of [...this.channels.values()]) this.closeChannel(channel);
    await Promise.allSettled([...this.backfills]);
  }

  private open(key: string, container: Container): LogChannel {
    const channel = new LogChannel(key, container);
    this.channels.set(key, channel);
    this.leases.hold('logs', container.host_id, container.container_id);
    channel.ready = this.bus.logs.last(container.host_id, container.container_id).then((last) => {
      if (channel.closed) return;
      channel.delivered = last?.seq ?? 0;
      this.router.follow(key, last?.id ?? '0-0', (entries) => this.onEntries(channel, entries));
    });
    return channel;
  }

  private closeChannel(channel: LogChannel): void {
    channel.closed = true;
    for (const view of channel.viewers.values()) view.ended.abort();
    if (this.channels.get(channel.key) === channel) this.channels.delete(channel.key);
    this.router.unfollow(channel.key);
    this.leases.drop('logs', channel.container.host_id, channel.container.container_id);
  }

  private removeView(view: LogView): void {
    const { channel, session } = view;
    view.ended.abort();
    if (channel.viewers.get(session.id) === view) channel.viewers.delete(session.id);
    if (!channel.viewers.has(session.id)) session.logKeys.delete(channel.key);
    if (channel.viewers.size === 0 && !channel.closed) this.closeChannel(channel);
  }

  private isCurrent(view: LogView): boolean {
    return (
      !this.closed &&
      !view.session.closed &&
      !view.channel.closed &&
      view.channel.viewers.get(view.session.id) === view
    );
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
      if (!this.isCurrent(view)) return;
      this.removeView(view);
      const report = this.errors.toClient(error, `log stream of ${view.channel.key}`);
      this.outbox.send(view.session, 'error', {
        ...report,
        container_id: view.channel.container.container_id,
      });
      this.sendStopped(view, 'error', 'Log stream failed');
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

  private onEntries(channel: LogChannel, raw: RawEntries): void {
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
    if (!canSee(view.session.principal, view.channel.container)) return;
    const slices = slicesAfter(entries, view.cursor);
    if (slices.length === 0) return;
    const updates = buildLogUpdates(slices, view.channel.meta, this.tuning.maxUpdateBytes);
    for (let i = 0; i < updates.length; i++) {
      if (view.dropped > 0 && !this.outbox.isBackedUp(view.session, this.lowWater))
        this.flushDropped(view);
      if (view.dropped > 0 || this.outbox.isBackedUp(view.session)) {
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
      void this.outbox.whenRoom(view.session, this.lowWater, view.ended.signal).then((ok) => {
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
      const room = await this.outbox.whenRoom(view.session, undefined, view.ended.signal);
      if (!room || !this.isCurrent(view)) return;
      this.sendUpdate(view, update);
    }
  }

  private sendUpdate(view: LogView, update: LogUpdatePayload): void {
    this.outbox.send(view.session, 'log_update', update);
    const refs = update.entries;
    if (refs.length === 0) return;
    let lines = 0;
    for (const ref of refs) lines += ref.n;
    this.metrics.logLinesOut.inc(lines);
    view.cursor = Math.max(view.cursor, lastLineSeqOf(refs[refs.length - 1].id));
  }

  private sendStopped(view: LogView, reason: LogStreamStoppedReason, message: string): void {
    const { container_id, host_id } = view.channel.container;
    this.outbox.send(view.session, 'log_stream_stopped', {
      container_id,
      host_id,
      message,
      reason,
    });
  }

  private viewOf(session: ClientSession, ref: string, hostId: string | undefined): LogView {
    const views: LogView[] = [];
    for (const key of session.logKeys) {
      const view = this.channels.get(key)?.viewers.get(session.id);
      const c = view?.channel.container;
      if (
        view &&
        c &&
        c.container_id.startsWith(ref) &&
        (hostId === undefined || c.host_id === hostId)
      ) {
        views.push(view);
      }
    }
    if (views.length === 1) return views[0];
    if (views.length === 0) {
      throw new GatewayError(
        'unknown_container',
        `no log stream of ${ref} on this connection`,
        ref,
      );
    }
    throw new GatewayError(
      'ambiguous_container',
      `${ref} names several of your log streams; give a host_id`,
      ref,
    );
  }

  /** The containers with a channel here that `removed` says are gone. */
  private removedOn(hostId: string, removed: string | ReadonlySet<string>): string[] {
    if (typeof removed === 'string') return [removed];
    return [...this.channels.values()]
      .map((c) => c.container)
      .filter((c) => c.host_id === hostId && !removed.has(c.container_id))
      .map((c) => c.container_id);
  }

  private containerRemoved(hostId: string, containerId: string): void {
    const channel = this.channels.get(RedisKeys.logs(hostId, containerId));
    if (!channel) return;
    const views = [...channel.viewers.values()];
    for (const view of views) {
      view.ended.abort();
      view.session.logKeys.delete(channel.key);
      this.sendStopped(view, 'removed', 'Container was removed');
    }
    channel.viewers.clear();
    this.closeChannel(channel);
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
