import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  LIMITS,
  dockerTime,
  lastLineSeqOf,
  type Container,
  logEntryId,
  type LoadEarlierAck,
  type LoadEarlierPayload,
  type LogEntryRef,
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
import { GatewayError } from '../core/gateway-error';
import { BUS, GATEWAY_TUNING } from '../core/tokens';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ClientOutbox } from '../socket/client-outbox.service';
import type { ClientConnection } from '../socket/client-connection';
import { DockerHistory, lastBefore, type HistoryLine } from './docker-history';
import { LogChannel, LogView } from './log-channel';
import {
  buildLogUpdates,
  checkResume,
  firstLineOf,
  gapUpdate,
  justBefore,
  lineTimes,
  linesAfter,
  type EntrySlice,
  type StreamMeta,
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

/** Why a socket's reads end when it leaves (nobody reads the answer). */
const SOCKET_LEFT = (): GatewayError => new GatewayError('command_failed', 'the socket closed');

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
  /**
   * The Docker log read of each socket's running `load_earlier`, by container: a newer one for the
   * same container, or the socket leaving, ends it (the agent stops reading, as on a search cancel).
   */
  private readonly earlierReads = new Map<ClientConnection, Map<string, AbortController>>();

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly outbox: ClientOutbox,
    private readonly metrics: GatewayMetrics,
    @Inject(GATEWAY_TUNING) private readonly tuning: GatewayTuning,
    private readonly history: DockerHistory,
    private readonly services: ChannelServices,
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

  /**
   * `load_earlier`: the `limit` lines just before the earliest line the client holds, from the
   * retained stream, then (once it is exhausted) from Docker's log strictly before the first
   * retained line. Reads only: the socket's views and cursors are not touched. Scope first: a
   * container the principal may not see answers as unknown (the resolver's error).
   */
  async earlier(
    connection: ClientConnection,
    payload: LoadEarlierPayload,
  ): Promise<LoadEarlierAck> {
    const container = await this.services.resolver.resolveLive(
      connection.principal,
      payload.container_id,
      payload.host_id,
    );
    const { host_id, container_id } = container;
    const before = dockerTime(payload.before.ts) as string;
    const limit = payload.limit ?? LIMITS.defaultEarlierLines;
    const [first, last] = await Promise.all([
      this.bus.logs.first(host_id, container_id),
      this.bus.logs.last(host_id, container_id),
    ]);
    const retained: PageLine[] = [];
    let reachedStart = true;
    if (first !== null && last !== null) {
      const beforeSeq = await this.earliestHeld(
        host_id,
        container_id,
        payload,
        before,
        first,
        last,
      );
      // The entry holding the earliest held line: its lines before it, then older entries.
      const [holding] = await this.bus.logs.range(
        host_id,
        container_id,
        logEntryId(beforeSeq - 1),
        1,
      );
      const head = holding ? pageLines(holding).filter((l) => l.seq < beforeSeq) : [];
      const older =
        head.length >= limit || beforeSeq <= firstLineOf(first)
          ? []
          : await this.bus.logs.tail(
              host_id,
              container_id,
              limit - head.length,
              holding?.id ?? logEntryId(beforeSeq),
            );
      for (const entry of older) retained.push(...pageLines(entry));
      retained.push(...head);
      retained.splice(0, Math.max(0, retained.length - limit));
      reachedStart = retained.length === 0 || retained[0].seq <= firstLineOf(first);
    }
    let history: HistoryLine[] = [];
    let more = !reachedStart;
    if (reachedStart && retained.length < limit) {
      const want = limit - retained.length;
      const seam = first === null ? null : lineTimes(first.text)[0];
      const bound =
        retained.length > 0 ? retained[0].ts : seam !== null && seam < before ? seam : before;
      const read = this.earlierRead(connection, container);
      try {
        history = await lastBefore(
          (window) => this.history.read(connection.principal, container, window, read.signal),
          justBefore(bound),
          want + 1,
        );
      } finally {
        this.endEarlierRead(connection, container, read);
      }
      more = history.length > want;
      history = history.slice(history.length - Math.min(history.length, want));
    } else if (reachedStart) {
      // A full page that reached the first retained line: Docker's log may hold earlier ones.
      more = true;
    }
    return earlierPage(container, history, retained, more);
  }

  /** The line number of the earliest line the client holds (`before`), by its entry or time. */
  private async earliestHeld(
    hostId: string,
    containerId: string,
    payload: LoadEarlierPayload,
    before: string,
    first: LogEntry,
    last: LogEntry,
  ): Promise<number> {
    const entryId = payload.before.entry;
    if (entryId !== undefined) {
      const seq = lastLineSeqOf(entryId);
      const [entry] = await this.bus.logs.range(hostId, containerId, logEntryId(seq - 1), 1);
      if (entry?.id === entryId) {
        const index = lineTimes(entry.text).findIndex((t) => t >= before);
        if (index !== -1) return firstLineOf(entry) + index;
      }
    }
    return this.lineAt(hostId, containerId, before, first, last);
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
    this.endEarlierReads(connection);
  }

  private endEarlierReads(connection: ClientConnection): void {
    for (const read of this.earlierReads.get(connection)?.values() ?? []) read.abort(SOCKET_LEFT());
    this.earlierReads.delete(connection);
  }

  /** Registers a `load_earlier` read of Docker's log, ending the socket's older one of the container. */
  private earlierRead(connection: ClientConnection, container: Container): AbortController {
    const key = `${container.host_id}/${container.container_id}`;
    const mine = this.earlierReads.get(connection) ?? new Map<string, AbortController>();
    this.earlierReads.set(connection, mine);
    mine
      .get(key)
      ?.abort(
        new GatewayError(
          'rate_limited',
          'a newer load_earlier of this container replaced this one',
          container.container_id,
        ),
      );
    const read = new AbortController();
    mine.set(key, read);
    // The socket may have left while the page was being resolved.
    if (connection.closed) read.abort(SOCKET_LEFT());
    return read;
  }

  private endEarlierRead(
    connection: ClientConnection,
    container: Container,
    read: AbortController,
  ): void {
    const key = `${container.host_id}/${container.container_id}`;
    const mine = this.earlierReads.get(connection);
    if (mine?.get(key) !== read) return;
    mine.delete(key);
    if (mine.size === 0) this.earlierReads.delete(connection);
  }

  channelSummary(): { key: string; viewers: number; delivered: number }[] {
    return this.channels.all().map((c) => ({
      key: c.key,
      viewers: c.viewers.size,
      delivered: c.delivered,
    }));
  }

  async onModuleDestroy(): Promise<void> {
    for (const connection of [...this.earlierReads.keys()]) this.endEarlierReads(connection);
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
      if (payload.since !== undefined) {
        await this.sendSince(view, dockerTime(payload.since) as string);
      } else if (payload.after === undefined) {
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

  /**
   * Every line stamped at or after `since`: first from Docker's own log, strictly before the
   * first retained line (so no line comes from both), then the retained lines from the first one
   * at or after `since` (the cursor is set just before it; the catch-up and the live follow go on
   * from there). Past `LIMITS.maxSinceLines`, a `skipped` gap marker and the live edge.
   */
  private async sendSince(view: LogView, since: string): Promise<void> {
    const { host_id, container_id } = view.channel.container;
    const [first, last] = await Promise.all([
      this.bus.logs.first(host_id, container_id),
      this.bus.logs.last(host_id, container_id),
    ]);
    const seam = first === null ? null : lineTimes(first.text)[0];
    const startSeq =
      first === null || last === null
        ? 1
        : since <= (seam as string)
          ? firstLineOf(first)
          : await this.lineAt(host_id, container_id, since, first, last);
    if (!this.isCurrent(view)) return;
    const max = LIMITS.maxSinceLines;
    let budget = max;
    if (seam === null || since < seam) {
      const lines = await this.history.read(
        view.connection.principal,
        view.channel.container,
        { since, until: seam === null ? null : justBefore(seam), limit: max + 1 },
        view.ended.signal,
      );
      if (!this.isCurrent(view)) return;
      await this.sendHistory(view, lines.slice(0, max));
      if (lines.length > max) {
        this.skipToLive(view, null);
        return;
      }
      budget -= lines.length;
      // Nothing was retained when Docker's log was read up to now: the agent's first lines
      // (its tail of Docker's log) repeat some of it, or lie before `since`.
      if (seam === null)
        view.sentThrough = lines.length > 0 ? lines[lines.length - 1].ts : justBefore(since);
    }
    view.cursor = Math.max(view.cursor, startSeq - 1);
    view.budget = budget;
  }

  /** The number of the first retained line stamped at or after `ts` (last + 1 when none). */
  private async lineAt(
    hostId: string,
    containerId: string,
    ts: string,
    first: LogEntry,
    last: LogEntry,
  ): Promise<number> {
    // Binary search over line numbers: the entry holding line m + 1 is the first after m.
    let lo = firstLineOf(first) - 1;
    let hi = last.seq;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const [entry] = await this.bus.logs.range(hostId, containerId, logEntryId(mid), 1);
      if (!entry) hi = mid;
      else if ((dockerTime(entry.lastTimestamp) ?? '') >= ts) hi = mid;
      else lo = Math.min(entry.seq, hi);
    }
    const [entry] = await this.bus.logs.range(hostId, containerId, logEntryId(lo), 1);
    if (!entry) return last.seq + 1;
    const index = lineTimes(entry.text).findIndex((t) => t >= ts);
    return index === -1 ? entry.seq + 1 : firstLineOf(entry) + index;
  }

  /** Lines from Docker's log: `history`, no entries (the cursor stays), paced like a backfill. */
  private async sendHistory(view: LogView, lines: HistoryLine[]): Promise<void> {
    for (const update of historyUpdates(lines, view.channel.meta, this.tuning.maxUpdateBytes)) {
      const room = await this.outbox.whenRoom(view.connection, undefined, view.ended.signal);
      if (!room || !this.isCurrent(view)) return;
      this.sendUpdate(view, update);
    }
  }

  /** A `skipped` gap marker, and the view goes on from what the follower has delivered. */
  private skipToLive(view: LogView, lost: number | null): void {
    view.budget = Infinity;
    view.sentThrough = null;
    this.sendUpdate(
      view,
      gapUpdate(view.channel.meta, { reason: 'skipped', lost, resume_after: null }),
    );
    view.cursor = Math.max(view.cursor, view.channel.delivered);
  }

  /**
   * Moves the cursor past the stream lines stamped at or before `sentThrough` (they were sent
   * from Docker's log), up to the first later one.
   */
  private passSent(view: LogView, entries: readonly LogEntry[]): void {
    const through = view.sentThrough;
    if (through === null) return;
    for (const entry of entries) {
      if (entry.seq <= view.cursor) continue;
      const index = lineTimes(entry.text).findIndex((t) => t > through);
      if (index === -1) {
        view.cursor = entry.seq;
        continue;
      }
      view.cursor = Math.max(view.cursor, firstLineOf(entry) + index - 1);
      view.sentThrough = null;
      return;
    }
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
      this.passSent(view, page);
      const slices = slicesAfter(page, view.cursor);
      const within = withinBudget(slices, view.budget);
      await this.sendPaced(view, within);
      if (!this.isCurrent(view)) return;
      if (within.length < slices.length) {
        this.skipToLive(view, view.channel.delivered - view.cursor);
        continue;
      }
      if (view.budget !== Infinity) view.budget -= countLines(within);
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
    this.passSent(view, entries);
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

/** One retained line of an earlier page. */
interface PageLine {
  seq: number;
  entry: string;
  ts: string;
  text: string;
  stderr: boolean;
}

function pageLines(entry: LogEntry): PageLine[] {
  const times = lineTimes(entry.text);
  const texts = entry.text.split('\n');
  const first = firstLineOf(entry);
  const stderr = new Set(entry.stderr);
  return times.map((ts, i) => ({
    seq: first + i,
    entry: entry.id,
    ts,
    text: `${texts[i]}\n`,
    stderr: stderr.has(i),
  }));
}

function earlierPage(
  container: Container,
  history: HistoryLine[],
  retained: PageLine[],
  more: boolean,
): LoadEarlierAck {
  const texts: string[] = [];
  const stderr: number[] = [];
  const entries: LogEntryRef[] = [];
  for (const line of history) {
    if (line.stream === 'stderr') stderr.push(texts.length);
    texts.push(`${line.ts} ${line.line}\n`);
  }
  for (const line of retained) {
    if (line.stderr) stderr.push(texts.length);
    texts.push(line.text);
    const ref = entries[entries.length - 1];
    if (ref?.id === line.entry) ref.n++;
    else entries.push({ id: line.entry, n: 1 });
  }
  const earliest =
    history.length > 0
      ? { ts: history[0].ts }
      : retained.length > 0
        ? { ts: retained[0].ts, entry: retained[0].entry }
        : null;
  return {
    status: 'ok',
    container_id: container.container_id,
    host_id: container.host_id,
    log: texts.join(''),
    stderr,
    tty: container.tty,
    entries,
    history: history.length,
    more: more && earliest !== null,
    before: more ? earliest : null,
  };
}

/** The leading slices holding at most `budget` lines (whole entries only). */
function withinBudget(slices: EntrySlice[], budget: number): EntrySlice[] {
  if (budget === Infinity) return slices;
  let lines = 0;
  const kept: EntrySlice[] = [];
  for (const slice of slices) {
    if (lines + slice.n > budget) break;
    lines += slice.n;
    kept.push(slice);
  }
  return kept;
}

function countLines(slices: readonly EntrySlice[]): number {
  let n = 0;
  for (const slice of slices) n += slice.n;
  return n;
}

/** Lines of Docker's log as `log_update`s of at most about `maxBytes` of text each. */
function historyUpdates(
  lines: readonly HistoryLine[],
  meta: StreamMeta,
  maxBytes: number,
): LogUpdatePayload[] {
  const updates: LogUpdatePayload[] = [];
  let text = '';
  let stderr: number[] = [];
  let n = 0;
  for (const line of lines) {
    const next = `${line.ts} ${line.line}\n`;
    if (n > 0 && text.length + next.length > maxBytes) {
      updates.push({ ...meta, log: text, entries: [], stderr, history: true });
      text = '';
      stderr = [];
      n = 0;
    }
    if (line.stream === 'stderr') stderr.push(n);
    text += next;
    n++;
  }
  if (n > 0) updates.push({ ...meta, log: text, entries: [], stderr, history: true });
  return updates;
}

function slicesAfter(entries: readonly LogEntry[], afterSeq: number): EntrySlice[] {
  const slices: EntrySlice[] = [];
  for (const entry of entries) {
    const slice = linesAfter(entry, afterSeq);
    if (slice) slices.push(slice);
  }
  return slices;
}
