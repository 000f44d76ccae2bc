import { signal } from '@angular/core';
import {
  type LoadEarlierAck,
  type LogPosition,
  lastLineSeqOf,
  logEntryId,
  type LogUpdatePayload,
} from '@flotilla/contracts/core';
import {
  type LogLine,
  type RawLine,
  describeGap,
  earlierUids,
  gapLine,
  splitTimestamp,
  timestampSortKey,
  toLogLines,
} from './log-line';
import { RingBuffer } from './ring-buffer';

export type LogStreamStatus = 'waiting' | 'starting' | 'streaming' | 'stopped' | 'error';

/** What a log view needs of a stream: its lines and how many were ever appended. */
export interface LogSource {
  readonly key: string;
  readonly ring: RingBuffer<LogLine>;
  /** Lines appended since the stream was opened (grows past the ring's capacity). */
  readonly appended: number;
}

type Pending = { kind: 'lines'; lines: RawLine[] } | { kind: 'gap'; message: string };

/** A line's time as Docker wrote it, its sort key, and how many lines held carry it. */
interface HeldTime {
  timestamp: string;
  key: string;
  count: number;
}

/** What receiving an update asks of the caller. */
export interface ReceiveResult {
  /** Lines or markers are waiting to be flushed. */
  changed: boolean;
  /** Re-request the stream with `after` set to this id (lines were dropped on the way). */
  resumeAfter: string | null;
}

/** The page of earlier lines `load_earlier` answered. */
export type EarlierPage = Extract<LoadEarlierAck, { status: 'ok' }>;

/** How far back the stream's lines reach: more to load, the beginning, or not known yet. */
export type EarlierState = 'more' | 'beginning' | 'unknown';

/** A stream opened from a time has its own key: it holds other lines than the live tail. */
export function streamKey(
  hostId: string,
  containerRef: string,
  since: string | null = null,
): string {
  return since === null ? `${hostId}/${containerRef}` : `${hostId}/${containerRef}@${since}`;
}

/**
 * One container's log stream in this tab. Keeps the cursor (the last stream entry id seen) so a
 * resume asks for exactly what is missing, drops any entry that is not newer than the cursor,
 * turns gap markers into visible lines, and holds the lines in a bounded ring buffer.
 * `receive` runs per socket event and only queues; `flush` parses and appends, once per batch.
 */
export class LogStream implements LogSource {
  readonly key: string;
  readonly ring: RingBuffer<LogLine>;
  /** The full container id once the gateway named it. */
  containerId: string;
  appended = 0;

  private cursorSeq: number | null = null;
  /** Lines were dropped and re-requested: entries that do not continue the cursor are skipped. */
  private awaitingResume = false;
  /** A gap marker announced missing lines: the next entry may jump ahead without a new marker. */
  private jumpExpected = false;
  private pending: Pending[] = [];
  /**
   * A restart from the last held line's time: lines up to that time (and as many at it as are
   * held) come again and are passed over, until the first line past them.
   */
  private passOver: HeldTime | null = null;
  /** Where the next `load_earlier` asks from, once a page answered (null: the beginning). */
  private earlierFrom: LogPosition | null | undefined = undefined;

  private readonly versionSignal = signal(0);
  private readonly statusSignal = signal<LogStreamStatus>('waiting');
  private readonly messageSignal = signal<string | null>(null);
  private readonly lastUpdateSignal = signal<Date | null>(null);
  private readonly prependedSignal = signal(0);
  private readonly earlierSignal = signal<EarlierState>('unknown');

  /** Bumped on every flush that appended lines. */
  readonly version = this.versionSignal.asReadonly();
  readonly status = this.statusSignal.asReadonly();
  /** Why the stream stopped or failed. */
  readonly message = this.messageSignal.asReadonly();
  /**
   * The time of the newest line: its Docker timestamp (when it was written, not when it reached
   * this tab, which after a resume or a backfill can be much later); arrival time only for a
   * line that carried none.
   */
  readonly lastUpdate = this.lastUpdateSignal.asReadonly();
  /** Bumped when earlier lines were put before the others (views rebuild: not an append). */
  readonly prepended = this.prependedSignal.asReadonly();
  /** Whether earlier lines exist before the first one held. */
  readonly earlier = this.earlierSignal.asReadonly();

  constructor(
    readonly hostId: string,
    /** The id as asked for: full or an unambiguous prefix. */
    readonly containerRef: string,
    capacity: number,
    /** The time the stream starts from (Docker's form); null: the last lines, then live. */
    readonly since: string | null = null,
  ) {
    this.key = streamKey(hostId, containerRef, since);
    this.containerId = containerRef;
    this.ring = new RingBuffer<LogLine>(capacity);
  }

  /** The id of the last entry seen: what `start_log_stream {after}` resumes from. */
  get cursor(): string | null {
    return this.cursorSeq === null ? null : logEntryId(this.cursorSeq);
  }

  /**
   * The time a start without a cursor asks from. A stream from a time that already holds lines
   * (those read from Docker's log carry no entry id) asks from its last line's time, not from
   * `since` again, and passes over what it holds when it comes again; one holding nothing asks
   * from `since`; a stream of the last lines, from no time (null).
   */
  restartSince(): string | null {
    if (this.since === null) return null;
    this.passOver = this.lastHeldTime();
    return this.passOver?.timestamp ?? this.since;
  }

  /** Is this update about this stream's container? */
  matches(payload: Pick<LogUpdatePayload, 'host_id' | 'container_id'>): boolean {
    return payload.host_id === this.hostId && payload.container_id.startsWith(this.containerRef);
  }

  setStatus(status: LogStreamStatus, message: string | null = null): void {
    this.statusSignal.set(status);
    this.messageSignal.set(message);
  }

  /** Takes one `log_update`: deduplicates by entry id, queues lines and gap markers. */
  receive(payload: LogUpdatePayload): ReceiveResult {
    if (payload.container_id.length === 64) this.containerId = payload.container_id;
    if (payload.gap) return this.receiveGap(payload);

    const lines = splitLines(payload.log);
    if (lines.length === 0) return { changed: false, resumeAfter: null };
    const stderr = new Set(payload.stderr);
    const entries = payload.entries ?? [];
    const counted = entries.reduce((sum, e) => sum + e.n, 0);
    if (entries.length === 0 || counted !== lines.length) {
      // No usable entry ids (history lines from Docker's log): only a restart's time tells
      // what is held already.
      const fresh: RawLine[] = [];
      lines.forEach((raw, i) => {
        if (!this.passesOver(raw)) fresh.push({ raw, stderr: stderr.has(i), lineNo: null });
      });
      if (fresh.length > 0) this.queue(fresh);
      return { changed: this.pending.length > 0, resumeAfter: null };
    }

    const accepted: RawLine[] = [];
    let index = 0;
    for (const entry of entries) {
      const start = index;
      index += entry.n;
      const seq = lastLineSeqOf(entry.id);
      if (!Number.isFinite(seq)) continue;
      const first = seq - entry.n + 1;
      const cursor = this.cursorSeq;
      if (cursor !== null && seq <= cursor) continue; // seen already
      if (cursor !== null && first > cursor + 1) {
        if (this.awaitingResume) continue; // arrives again with the re-requested range
        if (!this.jumpExpected) {
          this.flushAccepted(accepted);
          this.pending.push({ kind: 'gap', message: describeGap(first - cursor - 1, 'client') });
        }
      }
      const skip = cursor !== null && first <= cursor ? cursor - first + 1 : 0;
      for (let j = skip; j < entry.n; j++) {
        const at = start + j;
        const raw = lines[at] ?? '';
        if (!this.passesOver(raw))
          accepted.push({ raw, stderr: stderr.has(at), lineNo: first + j });
      }
      this.cursorSeq = seq;
      this.awaitingResume = false;
      this.jumpExpected = false;
    }
    this.flushAccepted(accepted);
    return { changed: this.pending.length > 0, resumeAfter: null };
  }

  /**
   * What `load_earlier` asks from: the last page's answer, else the earliest line held (its
   * time, and its entry when it came from the retained stream); null when nothing earlier can
   * be asked for (the beginning was reached, or no timed line is held yet).
   */
  earlierPosition(): LogPosition | null {
    if (this.earlierFrom !== undefined) return this.earlierFrom;
    for (const line of this.ring) {
      if (line.kind !== 'line' || !line.timestamp) continue;
      return line.lineNo === null
        ? { ts: line.timestamp }
        : { ts: line.timestamp, entry: logEntryId(line.lineNo) };
    }
    return null;
  }

  /**
   * Puts a `load_earlier` page before the lines held. The live follow is untouched: the cursor
   * and the pending queue stay as they are, and `appended` does not move (what a view syncs is
   * only what follows). A line already held (same line number) is not taken twice. Returns how
   * many lines were added; none when the buffer has no room left for them.
   */
  prepend(page: EarlierPage): number {
    this.earlierFrom = page.before;
    this.earlierSignal.set(page.more && page.before !== null ? 'more' : 'beginning');
    const lines = splitLines(page.log);
    const stderr = new Set(page.stderr);
    const numbers: (number | null)[] = lines.map(() => null);
    const counted = page.entries.reduce((sum, e) => sum + e.n, 0);
    if (counted === lines.length - page.history) {
      let index = page.history;
      for (const entry of page.entries) {
        const last = lastLineSeqOf(entry.id);
        for (let j = 0; j < entry.n; j++, index++)
          numbers[index] = Number.isFinite(last) ? last - entry.n + 1 + j : null;
      }
    }
    const held = this.firstLineNo();
    const raws: RawLine[] = [];
    lines.forEach((raw, i) => {
      const lineNo = numbers[i] ?? null;
      if (held !== null && lineNo !== null && lineNo >= held) return;
      raws.push({ raw, stderr: stderr.has(i), lineNo });
    });
    if (raws.length === 0 || this.ring.length + raws.length > this.ring.capacity) return 0;
    const earlier = earlierUids(toLogLines(this.key, raws, undefined));
    const kept = this.ring.toArray();
    this.ring.clear();
    this.ring.pushAll(earlier);
    this.ring.pushAll(kept);
    this.prependedSignal.update((v) => v + 1);
    return earlier.length;
  }

  /** The ring has room for this many more lines before it drops the oldest. */
  get room(): number {
    return this.ring.capacity - this.ring.length;
  }

  /** Is `raw` held already (before a restart's time, or one of the lines held at it)? */
  private passesOver(raw: string): boolean {
    const held = this.passOver;
    if (held === null) return false;
    const { timestamp } = splitTimestamp(raw);
    const key = timestamp === null ? null : timestampSortKey(timestamp);
    if (key !== null && (key < held.key || (key === held.key && held.count > 0))) {
      if (key === held.key) held.count--;
      return true;
    }
    // Lines come in time order: everything from here on is new.
    this.passOver = null;
    return false;
  }

  /** The time of the newest timed line held (queued or in the ring) and how many carry it. */
  private lastHeldTime(): HeldTime | null {
    let last: HeldTime | null = null;
    const count = (timestamp: string | null): boolean => {
      if (timestamp === null) return true;
      const key = timestampSortKey(timestamp);
      if (last === null) last = { timestamp, key, count: 0 };
      if (key !== last.key) return false;
      last.count++;
      return true;
    };
    for (let p = this.pending.length - 1; p >= 0; p--) {
      const item = this.pending[p];
      if (item?.kind !== 'lines') continue;
      for (let i = item.lines.length - 1; i >= 0; i--)
        if (!count(splitTimestamp(item.lines[i]?.raw ?? '').timestamp)) return last;
    }
    for (let i = this.ring.length - 1; i >= 0; i--) {
      const line = this.ring.get(i);
      if (line?.kind === 'line' && !count(line.timestamp)) return last;
    }
    return last;
  }

  private firstLineNo(): number | null {
    for (const line of this.ring) if (line.lineNo !== null) return line.lineNo;
    return null;
  }

  /** The gateway did not take a re-request: stop waiting for the range it would have sent. */
  resumeFailed(): void {
    this.awaitingResume = false;
    this.jumpExpected = true;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Parses queued lines into the ring buffer; returns how many rows were appended. */
  flush(now: Date = new Date()): number {
    if (this.pending.length === 0) return 0;
    const pending = this.pending;
    this.pending = [];
    let added = 0;
    // Sort keys compare as the times they write: keep the largest, read it as a time once.
    let newestKey: string | null = null;
    let untimed = false;
    for (const item of pending) {
      const previous = this.ring.last();
      const lines =
        item.kind === 'gap'
          ? [gapLine(this.key, item.message, previous)]
          : toLogLines(this.key, item.lines, previous);
      this.ring.pushAll(lines);
      added += lines.length;
      for (const line of lines) {
        if (line.kind !== 'line') continue;
        if (!line.timestamp) untimed = true;
        else if (newestKey === null || line.sortKey > newestKey) newestKey = line.sortKey;
      }
    }
    this.appended += added;
    let newest = this.lastUpdateSignal();
    for (const at of [newestKey === null ? null : timeOf(newestKey), untimed ? now : null]) {
      if (at !== null && (newest === null || at > newest)) newest = at;
    }
    if (newest !== this.lastUpdateSignal()) this.lastUpdateSignal.set(newest);
    this.versionSignal.update((v) => v + 1);
    return added;
  }

  private receiveGap(payload: LogUpdatePayload): ReceiveResult {
    const gap = payload.gap;
    if (!gap) return { changed: false, resumeAfter: null };
    const notice = payload.log.trim() || describeGap(gap.lost, gap.reason);
    this.pending.push({ kind: 'gap', message: notice });
    if (gap.reason === 'reset') {
      // Line numbers start again: the old cursor means nothing any more.
      this.cursorSeq = null;
      this.awaitingResume = false;
      this.jumpExpected = true;
      return { changed: true, resumeAfter: null };
    }
    if (gap.reason === 'dropped' && gap.resume_after) {
      const resumeSeq = lastLineSeqOf(gap.resume_after);
      if (Number.isFinite(resumeSeq)) {
        // Never ask again for what is already here.
        const from = this.cursorSeq === null ? resumeSeq : Math.max(this.cursorSeq, resumeSeq);
        this.cursorSeq = from;
        this.awaitingResume = true;
        return { changed: true, resumeAfter: logEntryId(from) };
      }
    }
    this.jumpExpected = true;
    return { changed: true, resumeAfter: null };
  }

  private queue(lines: RawLine[]): void {
    const last = this.pending[this.pending.length - 1];
    if (last?.kind === 'lines') {
      for (const line of lines) last.lines.push(line);
    } else this.pending.push({ kind: 'lines', lines });
  }

  private flushAccepted(accepted: RawLine[]): void {
    if (accepted.length === 0) return;
    this.queue(accepted.splice(0, accepted.length));
  }
}

/** The time a sort key names (millisecond precision); null when it is not one. */
function timeOf(sortKey: string): Date | null {
  const ms = Date.parse(`${sortKey.slice(0, 23)}Z`);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** `log` holds whole lines each ending in `\n`; a missing final newline still ends a line. */
export function splitLines(log: string): string[] {
  if (log === '') return [];
  const lines = log.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}
