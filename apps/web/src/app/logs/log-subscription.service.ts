import { DestroyRef, Injectable, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  LIMITS,
  type LogStreamStoppedPayload,
  type LogUpdatePayload,
  type StartLogStreamPayload,
} from '@flotilla/contracts/core';
import { WEB_CONFIG } from '../core/app-config';
import { NotificationService } from '../core/notifications/notification.service';
import { SocketService } from '../core/socket/socket.service';
import { SharedSubscriptions } from '../core/socket/shared-subscriptions';
import { isErrorAck } from '../core/socket/socket.types';
import { Batcher } from '../shared/batcher';
import { shortId } from '../shared/format';
import { LogStream, streamKey } from './log-stream';

const EARLIER_TIMEOUT_MS = 30_000;

/**
 * Every log stream open in the tab. One `start_log_stream` per container however many panes
 * show it; after a reconnect each is resumed with `after` = the last entry id seen (a stream from
 * a time that holds only lines of Docker's log: from the last one's time), so nothing is shown
 * twice and nothing is skipped. Incoming `log_update`s are queued per stream and flushed at most
 * every ~10 ms: a flood of lines costs one render per flush, not per line.
 */
@Injectable({ providedIn: 'root' })
export class LogSubscriptionService {
  private readonly socket = inject(SocketService);
  private readonly notifications = inject(NotificationService);
  private readonly config = inject(WEB_CONFIG);
  private readonly open = new SharedSubscriptions<LogStream>(this.socket, {
    open: (stream) => this.start(stream),
    close: (stream) => this.stop(stream),
    target: (stream) => ({ hostId: stream.hostId, ref: stream.containerRef }),
    gone: (stream) => stream.setStatus('stopped', 'The container no longer exists'),
  });
  /** Containers whose stream was stopped and not yet confirmed stopped. */
  private readonly draining = new Set<{ hostId: string; ref: string }>();
  private readonly batcher = new Batcher<LogStream>(
    (streams) => this.flush(streams),
    this.config.logFlushMs,
  );

  constructor() {
    const destroyRef = inject(DestroyRef);
    destroyRef.onDestroy(() => this.batcher.dispose());
    this.socket
      .on('log_update')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((payload) => this.onUpdate(payload));
    this.socket
      .on('log_stream_stopped')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((payload) => this.onStopped(payload));
    this.open.renewOnReconnect(this.socket.on('initial_state'), destroyRef);
  }

  /**
   * Opens (or shares) the stream of a container, from `since` (Docker's time form) when given,
   * else from its last lines; call `release` when done.
   */
  acquire(hostId: string, containerRef: string, since: string | null = null): LogStream {
    return this.open.acquire(
      streamKey(hostId, containerRef, since),
      () => new LogStream(hostId, containerRef, this.config.logCapacity, since),
    );
  }

  /**
   * Puts the page of lines just before the earliest one held in front of them
   * (`load_earlier`); the live follow and its cursor are not touched. Resolves to the lines
   * added, or rejects with what went wrong.
   */
  async loadEarlier(
    stream: LogStream,
    limit: number = LIMITS.defaultEarlierLines,
  ): Promise<number> {
    const before = stream.earlierPosition();
    if (before === null) return 0;
    const ack = await this.socket.request(
      'load_earlier',
      {
        container_id: stream.containerRef,
        host_id: stream.hostId,
        before,
        limit: Math.max(1, Math.min(limit, stream.room, LIMITS.maxEarlierLines)),
      },
      // A page past what Redis retains is read from Docker's log by the host's agent.
      EARLIER_TIMEOUT_MS,
    );
    if (isErrorAck(ack)) throw new Error(ack.error);
    if (!this.isOpen(stream)) return 0;
    return stream.prepend(ack);
  }

  release(stream: LogStream): void {
    this.open.release(stream.key, stream)?.setStatus('stopped', 'Closed');
  }

  /** Streams open now (for specs and diagnostics). */
  streams(): LogStream[] {
    return this.open.items();
  }

  private stop(stream: LogStream): void {
    // Updates of the stopped stream may still be on the way; until the gateway confirms the
    // stop they must not reach a stream of the same container opened meanwhile (from a time).
    const draining = { hostId: stream.hostId, ref: stream.containerRef };
    this.draining.add(draining);
    const done = (): boolean => this.draining.delete(draining);
    this.socket
      .request('stop_log_stream', { container_id: stream.containerRef, host_id: stream.hostId })
      .then(
        (ack) => {
          done();
          if (isErrorAck(ack)) this.socket.reportFailure('Stopping a log stream failed', ack);
        },
        (error: unknown) => {
          done();
          this.socket.reportFailure('Stopping a log stream failed', error);
        },
      );
  }

  /**
   * Asks for the stream: from the cursor when there is one, else from its time (the last held
   * line's, once it holds lines) or its last lines.
   */
  private start(stream: LogStream, after: string | null = stream.cursor): void {
    const since = after === null ? stream.restartSince() : null;
    const payload: StartLogStreamPayload = {
      container_id: stream.containerRef,
      host_id: stream.hostId,
      ...(after !== null ? { after } : since !== null ? { since } : { tail: this.config.logTail }),
    };
    stream.setStatus('starting');
    this.socket.request('start_log_stream', payload).then(
      (ack) => {
        if (!this.isOpen(stream)) return;
        if (isErrorAck(ack)) {
          stream.resumeFailed();
          stream.setStatus('error', ack.error);
          this.socket.reportFailure(
            `Logs of ${shortId(stream.containerRef)} on ${stream.hostId}`,
            ack,
          );
          return;
        }
        if (ack.container_id.length === 64) stream.containerId = ack.container_id;
        stream.setStatus('streaming');
      },
      (error: unknown) => {
        if (!this.isOpen(stream)) return;
        stream.resumeFailed();
        // A lost connection resumes on reconnect by itself; anything else is news.
        if (!this.socket.connected) {
          stream.setStatus('waiting');
          return;
        }
        stream.setStatus('error', error instanceof Error ? error.message : 'no answer');
        this.socket.reportFailure(
          `Logs of ${shortId(stream.containerRef)} on ${stream.hostId}`,
          error,
        );
      },
    );
  }

  private onUpdate(payload: LogUpdatePayload): void {
    for (const d of this.draining) {
      if (payload.host_id === d.hostId && payload.container_id.startsWith(d.ref)) return;
    }
    for (const stream of this.open.items()) {
      if (!stream.matches(payload)) continue;
      if (stream.status() === 'starting' || stream.status() === 'waiting')
        stream.setStatus('streaming');
      const result = stream.receive(payload);
      if (result.changed) this.batcher.push(stream);
      if (result.resumeAfter !== null && this.socket.connected)
        this.start(stream, result.resumeAfter);
      return;
    }
  }

  private onStopped(payload: LogStreamStoppedPayload): void {
    for (const stream of this.open.items()) {
      if (!stream.matches(payload)) continue;
      this.batcher.flush();
      const failed = payload.reason === 'error' || payload.reason === 'forbidden';
      stream.setStatus(failed ? 'error' : 'stopped', payload.message);
      if (payload.reason !== 'requested') {
        this.notifications.showNotification({
          type: failed ? 'error' : 'info',
          message: `Log stream of ${shortId(stream.containerRef)} on ${stream.hostId} stopped: ${payload.message}`,
        });
      }
    }
  }

  private flush(streams: LogStream[]): void {
    const now = new Date();
    for (const stream of new Set(streams)) stream.flush(now);
  }

  private isOpen(stream: LogStream): boolean {
    return this.open.holds(stream.key, stream);
  }
}
