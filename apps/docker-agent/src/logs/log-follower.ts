import type { Bus, LogBatch } from '@flotilla/bus';
import { LIMITS } from '@flotilla/contracts';
import type { Readable } from 'node:stream';
import type { AgentMetrics } from '../agent-metrics';
import type { ContainerClient, LogRequest } from '../docker/container-client';
import type { BusHealth } from '../heartbeat/bus-health';
import type { AgentLogger } from '../shared/agent-logger';
import { Backoff, Sleeper } from '../shared/backoff';
import { sinceAfter } from './docker-timestamp';
import { FrameDemuxer, STDERR } from './frame-demuxer';
import { BatcherStopped, DEFAULT_BATCHING, LogBatcher, type BatchingOptions } from './log-batcher';
import { LineAssembler } from './log-line-assembler';
import { describeError } from '@flotilla/logging';

export interface LogFollowerDeps {
  hostId: string;
  docker: ContainerClient;
  bus: Bus;
  metrics: AgentMetrics;
  busHealth: BusHealth;
  logger: AgentLogger;
  batching?: BatchingOptions;
}

interface StreamOutcome {
  lines: number;
  /** Docker ended the response properly (not cut by a dying engine or connection). */
  complete: boolean;
  /** Ends the unfinished line of each output (the container has stopped for good). */
  flushPartial: () => void;
}

/**
 * Follows one container's Docker log into its log stream on the bus, for as long as it is
 * leased: exactly one Docker stream at a time. Line numbers continue from the bus's last entry;
 * the first read backfills the last 100 lines, every later one resumes just after the last
 * stored timestamp, so restarts of the container, the agent or dockerd give no duplicate and no
 * gap. When the container stops, a last read collects what it wrote, then the follower waits
 * for it to start again; when Docker loses it, the follower ends.
 */
export class LogFollower {
  private stopped = false;
  private stream: Readable | null = null;
  private readonly sleeper = new Sleeper();
  private readonly backoff = new Backoff();
  private readonly batcher: LogBatcher;
  private loop: Promise<void> | null = null;
  /** Number of the last line stored and the timestamp to resume after; null until read from the bus. */
  private seq: number | null = null;
  private resumeTs: string | null = null;
  /** A complete read found the log empty: the next read takes everything, not a tail. */
  private logEmpty = false;
  private changes = 0;

  constructor(
    readonly containerId: string,
    private readonly deps: LogFollowerDeps,
  ) {
    this.batcher = new LogBatcher(
      (batch) => this.write(batch),
      (pause) => this.pressure(pause),
      deps.batching ?? DEFAULT_BATCHING,
    );
  }

  /** Starts following; `onEnd` runs when the follower ends by itself (the container is gone). */
  start(onEnd: () => void): void {
    this.loop ??= this.run().finally(onEnd);
  }

  /** The container changed (Docker event or resync): a waiting follower looks again. */
  containerChanged(): void {
    this.changes++;
    this.sleeper.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.wake();
    this.stream?.destroy();
    this.batcher.discard();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { docker, logger } = this.deps;
    while (!this.stopped) {
      try {
        if (this.seq === null) await this.loadPosition();
        const changesBefore = this.changes;
        const before = await docker.inspect(this.containerId);
        if (before === null) return;
        const live = before.State.Running;
        const since = this.resumeTs ? sinceAfter(this.resumeTs) : null;
        const request: LogRequest = since
          ? { since }
          : this.logEmpty
            ? {}
            : { tail: LIMITS.defaultTail };
        if (this.stopped) return;
        const outcome = await this.follow(request, before.Config.Tty === true);
        if (this.stopped) return;
        if (outcome.complete && outcome.lines === 0 && this.resumeTs === null) this.logEmpty = true;
        const after = await docker.inspect(this.containerId);
        if (after === null || !after.State.Running) {
          if (live) {
            // It stopped while followed: one more read from the last line collects what the cut
            // stream may have missed (an unfinished line comes again with it).
            continue;
          }
          outcome.flushPartial();
          await this.batcher.drain();
          if (after === null) return;
          // Stopped: wait until it changes (starts again).
          if (this.changes === changesBefore) await this.sleeper.sleep(60_000);
          continue;
        }
        // Still running and the stream ended (dockerd restarting, stream cut): follow again.
        if (outcome.lines === 0) await this.sleeper.sleep(this.backoff.next());
        else this.backoff.reset();
      } catch (error: unknown) {
        if (this.stopped) return;
        const delay = this.backoff.next();
        logger.warn(
          `log follow of ${this.containerId} failed (retry in ${delay} ms): ${describeError(error)}`,
        );
        await this.sleeper.sleep(delay);
      }
    }
  }

  private async loadPosition(): Promise<void> {
    try {
      const last = await this.deps.bus.logs.last(this.deps.hostId, this.containerId);
      this.seq = last?.seq ?? 0;
      this.resumeTs = last?.lastTimestamp || null;
    } catch (error: unknown) {
      this.deps.busHealth.failed(describeError(error));
      throw error;
    }
  }

  /** One Docker log stream, from request to end; its lines are written before it returns. */
  private async follow(request: LogRequest, tty: boolean): Promise<StreamOutcome> {
    const { docker, metrics } = this.deps;
    const stream = await docker.logs(this.containerId, request);
    let lines = 0;
    const sink = (stderr: boolean) => (line: string, lastTs: string) => {
      lines++;
      this.batcher.add(line, stderr, lastTs);
    };
    const stdout = new LineAssembler(sink(false), { tty });
    const stderr = new LineAssembler(sink(true), { tty });
    const demux = tty
      ? null
      : new FrameDemuxer((source, data, end) =>
          (source === STDERR ? stderr : stdout).push(data, end),
        );
    this.stream = stream;
    metrics.counters.openLogStreams++;
    metrics.counters.logStreamsOpened++;
    try {
      await new Promise<void>((resolve) => {
        stream.on('data', (chunk: Buffer) => (demux ? demux.push(chunk) : stdout.push(chunk)));
        stream.once('end', () => resolve());
        stream.once('close', () => resolve());
        stream.on('error', (error: Error) => {
          this.deps.logger.debug(
            `log stream of ${this.containerId} broke: ${describeError(error)}`,
          );
          resolve();
        });
        if (this.stopped) stream.destroy();
      });
    } finally {
      this.stream = null;
      metrics.counters.openLogStreams--;
      stream.removeAllListeners('data');
      stream.destroy();
    }
    await this.batcher.drain();
    return {
      lines,
      complete: (stream as Readable & { complete?: boolean }).complete !== false,
      flushPartial: () => {
        stdout.flushPartial();
        stderr.flushPartial();
      },
    };
  }

  private pressure(pause: boolean): void {
    if (pause) {
      this.deps.metrics.counters.logPauses++;
      this.stream?.pause();
    } else {
      this.stream?.resume();
    }
  }

  /** Appends one batch, retrying until it is stored (or the follower stops). */
  private async write(batch: LogBatch): Promise<void> {
    const { bus, hostId, busHealth, logger } = this.deps;
    const backoff = new Backoff(100, 5_000);
    let warned = false;
    for (;;) {
      if (this.stopped) throw new BatcherStopped();
      const firstSeq = (this.seq ?? 0) + 1;
      try {
        const entry = await bus.logs.append(hostId, this.containerId, firstSeq, batch);
        this.stored(entry.seq, batch);
        return;
      } catch (error: unknown) {
        if (this.stopped) throw new BatcherStopped();
        const outOfSequence = error instanceof Error && error.name === 'LogSequenceError';
        if (!outOfSequence) {
          busHealth.failed(describeError(error));
          if (!warned)
            logger.warn(
              `log append for ${this.containerId} failed, retrying: ${describeError(error)}`,
            );
          warned = true;
          await this.sleeper.sleep(backoff.next());
        }
        if (await this.resyncSeq(batch, firstSeq, outOfSequence)) return;
      }
    }
  }

  /**
   * After a failed append: learns the stream's last line number. Returns true when the batch
   * got in after all (only the answer was lost).
   */
  private async resyncSeq(
    batch: LogBatch,
    firstSeq: number,
    outOfSequence: boolean,
  ): Promise<boolean> {
    const { bus, hostId, metrics, logger } = this.deps;
    try {
      const last = await bus.logs.last(hostId, this.containerId);
      if (!last) return false;
      if (
        last.seq === firstSeq + batch.lines.length - 1 &&
        last.n === batch.lines.length &&
        last.lastTimestamp === batch.lastTimestamp
      ) {
        this.stored(last.seq, batch);
        return true;
      }
      if (last.seq >= firstSeq) {
        metrics.counters.logSeqResyncs++;
        logger.warn(
          `log stream of ${this.containerId} is at line ${last.seq}, not ${firstSeq - 1}: numbering resynced`,
        );
        this.seq = last.seq;
      }
    } catch (error: unknown) {
      if (outOfSequence) await this.sleeper.sleep(this.backoff.next());
      logger.debug(`log position of ${this.containerId} unreadable: ${describeError(error)}`);
    }
    return false;
  }

  private stored(seq: number, batch: LogBatch): void {
    this.seq = seq;
    this.resumeTs = batch.lastTimestamp;
    this.deps.metrics.counters.linesPublished += batch.lines.length;
    this.deps.metrics.counters.batchesPublished++;
  }
}
