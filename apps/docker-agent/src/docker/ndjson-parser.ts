const NEWLINE = 0x0a;

/**
 * Splits a byte stream of newline-delimited JSON into values: several values per chunk, one
 * value split across chunks, blank lines and `\r\n` endings are all fine. A line that is not JSON
 * is reported to `onInvalid` and skipped; a line longer than `maxLineBytes` is dropped (bounded
 * memory) and reported too.
 */
export class NdjsonParser<T = unknown> {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;

  constructor(
    private readonly onInvalid: (reason: string) => void = () => undefined,
    private readonly maxLineBytes = 1024 * 1024,
  ) {}

  /** Feeds a chunk; returns the values completed by it, in order. */
  push(chunk: Buffer): T[] {
    const values: T[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      this.take(chunk.subarray(start, nl), values);
      start = nl + 1;
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
    return values;
  }

  /** Ends the stream: a last value without a trailing newline is still returned. */
  end(): T[] {
    const values: T[] = [];
    if (this.pendingBytes > 0 || this.discarding) this.take(Buffer.alloc(0), values);
    return values;
  }

  private keep(piece: Buffer): void {
    if (this.discarding) return;
    if (this.pendingBytes + piece.length > this.maxLineBytes) {
      this.onInvalid(`line longer than ${this.maxLineBytes} bytes dropped`);
      this.pending = [];
      this.pendingBytes = 0;
      this.discarding = true;
      return;
    }
    this.pending.push(Buffer.from(piece));
    this.pendingBytes += piece.length;
  }

  private take(tail: Buffer, values: T[]): void {
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    if (this.pendingBytes + tail.length > this.maxLineBytes) {
      this.onInvalid(`line longer than ${this.maxLineBytes} bytes dropped`);
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    const line = this.pendingBytes > 0 ? Buffer.concat([...this.pending, tail]) : tail;
    this.pending = [];
    this.pendingBytes = 0;
    const text = line.toString('utf8').trim();
    if (text === '') return;
    try {
      values.push(JSON.parse(text) as T);
    } catch {
      this.onInvalid(`not JSON: ${text.slice(0, 80)}`);
    }
  }
}
