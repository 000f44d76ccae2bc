import type { LogBatch } from '@flotilla/bus';

export interface BatchingOptions {
  /** Most lines in one stream entry. */
  maxLines: number;
  /** Most characters in one stream entry. */
  maxBytes: number;
  /** How long a batch waits for more lines before it is written. */
  lingerMs: number;
  /** Buffered characters at which the source is paused (resumed at half). */
  highWaterBytes: number;
}

export const DEFAULT_BATCHING: BatchingOptions = {
  maxLines: 1_000,
  maxBytes: 256 * 1024,
  lingerMs: 10,
  highWaterBytes: 2 * 1024 * 1024,
};

interface OpenBatch extends LogBatch {
  bytes: number;
}

/** Thrown by a writer that gives up because its follower is stopping; the batcher drops the rest. */
export class BatcherStopped extends Error {
  constructor() {
    super('log batcher stopped');
  }
}

/**
 * Groups lines into batches (flushed after `lingerMs` or at a size cap) and writes them one at a
 * time, in order. Above `highWaterBytes` of unwritten lines it asks the source to pause (Docker's
 * stream is paused, so a slow bus never makes the agent buffer without bound) and to resume once
 * half of it is written.
 */
export class LogBatcher {
  private current: OpenBatch | null = null;
  private readonly sealed: OpenBatch[] = [];
  private buffered = 0;
  private writing = false;
  private paused = false;
  private timer: NodeJS.Timeout | null = null;
  private drainWaiters: (() => void)[] = [];

  constructor(
    private readonly write: (batch: LogBatch) => Promise<void>,
    private readonly onPressure: (pause: boolean) => void,
    private readonly options: BatchingOptions = DEFAULT_BATCHING,
  ) {}

  /** Characters not yet written. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  add(line: string, stderr: boolean, lastTimestamp: string): void {
    let batch = this.current;
    if (!batch) {
      batch = this.current = { lines: [], stderr: [], lastTimestamp, bytes: 0 };
      this.timer = setTimeout(() => this.sealAndWrite(), this.options.lingerMs);
    }
    if (stderr) batch.stderr.push(batch.lines.length);
    batch.lines.push(line);
    batch.lastTimestamp = lastTimestamp;
    batch.bytes += line.length + 1;
    this.buffered += line.length + 1;
    if (batch.lines.length >= this.options.maxLines || batch.bytes >= this.options.maxBytes)
      this.sealAndWrite();
    if (!this.paused && this.buffered >= this.options.highWaterBytes) {
      this.paused = true;
      this.onPressure(true);
    }
  }

  /** Writes everything buffered now; resolves once written (or dropped by a stopping writer). */
  drain(): Promise<void> {
    this.sealAndWrite();
    if (!this.writing && this.sealed.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Drops whatever is not written (the follower stops; a resumed read delivers it again). */
  discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.current = null;
    this.sealed.length = 0;
    this.buffered = 0;
    this.release();
  }

  private sealAndWrite(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.current) {
      this.sealed.push(this.current);
      this.current = null;
    }
    if (!this.writing) void this.pump();
  }

  private async pump(): Promise<void> {
    this.writing = true;
    try {
      for (let batch = this.sealed.shift(); batch; batch = this.sealed.shift()) {
        const { bytes, ...entry } = batch;
        await this.write(entry);
        this.buffered -= bytes;
        this.release();
      }
    } catch {
      // The writer stopped (BatcherStopped): nothing more is written.
      this.sealed.length = 0;
      this.current = null;
      this.buffered = 0;
      this.release();
    } finally {
      this.writing = false;
      if (this.sealed.length === 0) {
        const waiters = this.drainWaiters;
        this.drainWaiters = [];
        for (const w of waiters) w();
      }
    }
  }

  private release(): void {
    if (this.paused && this.buffered <= this.options.highWaterBytes / 2) {
      this.paused = false;
      this.onPressure(false);
    }
  }
}
