const NEWLINE = 0x0a;
const SPACE = 0x20;
const CR = 0x0d;
/** Docker's log copier cuts a line without a newline into messages of this many bytes. */
export const DOCKER_PARTIAL_BYTES = 16 * 1024;
/** Longest timestamp prefix looked for (RFC3339Nano is 30 to 35 characters). */
const MAX_TS = 40;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;

/**
 * Receives whole lines: `line` is `<timestamp of its first piece> <text>` (no newline),
 * `lastTs` the timestamp of its last piece (where a resumed read must start after).
 */
export type LineSink = (line: string, lastTs: string) => void;

export interface LineAssemblerOptions {
  /** TTY output: raw bytes (no frames), `\r\n` line ends. */
  tty: boolean;
  /** A line longer than this is cut (bounded memory); default 1 MiB. */
  maxLineBytes?: number;
}

/**
 * Turns one output of a timestamped Docker log stream into whole lines.
 *
 * Each Docker message is `<RFC3339Nano> <bytes>`; a line longer than 16 KiB comes as several
 * messages, each with its own timestamp, only the last ending in `\n`: the pieces are joined and
 * the first timestamp kept. Message boundaries are the frame ends (`push(…, true)`) without a
 * TTY; with a TTY there are no frames, so a piece ends after 16 KiB without a newline when a
 * timestamp follows. Bytes are decoded per complete line, so a multi-byte character split across
 * chunks or pieces is never broken, and invalid bytes become U+FFFD.
 */
export class LineAssembler {
  private readonly maxLineBytes: number;
  /** Reading a message's timestamp prefix (bytes so far) or its content. */
  private inPrefix = true;
  private prefix: Buffer[] = [];
  private prefixBytes = 0;
  /** Content bytes of the current message (for the TTY 16 KiB rule); -1 once the rule is off. */
  private messageBytes = 0;
  /** The line being built: its pieces, first and last timestamps. */
  private parts: Buffer[] = [];
  private partBytes = 0;
  private firstTs: string | null = null;
  private lastTs = '';

  constructor(
    private readonly sink: LineSink,
    private readonly options: LineAssemblerOptions,
  ) {
    this.maxLineBytes = options.maxLineBytes ?? 1024 * 1024;
  }

  /** A line is unfinished (pieces received, no newline yet). */
  get hasPartial(): boolean {
    return this.firstTs !== null;
  }

  /** Feeds bytes of the stream; `messageEnd` when a Docker message (frame) ends with them. */
  push(data: Buffer, messageEnd = false): void {
    let pos = 0;
    const len = data.length;
    while (pos < len) {
      if (this.inPrefix) {
        // Fast path: a whole `ts text\n` message in this buffer, nothing pending.
        if (this.prefixBytes === 0 && this.firstTs === null) {
          const sp = data.indexOf(SPACE, pos);
          if (sp !== -1 && sp - pos <= MAX_TS) {
            const ts = data.toString('latin1', pos, sp);
            if (TIMESTAMP.test(ts)) {
              const nl = data.indexOf(NEWLINE, sp + 1);
              if (
                nl !== -1 &&
                (!this.options.tty || nl - sp - 1 < DOCKER_PARTIAL_BYTES) &&
                nl - sp - 1 <= this.maxLineBytes
              ) {
                const end = this.options.tty && nl > sp + 1 && data[nl - 1] === CR ? nl - 1 : nl;
                this.lastTs = ts;
                this.sink(data.toString('utf8', pos, end), ts);
                pos = nl + 1;
                continue;
              }
              this.startContent(ts);
              pos = sp + 1;
              continue;
            }
          }
        }
        pos = this.readPrefix(data, pos);
        continue;
      }
      pos = this.readContent(data, pos);
    }
    if (messageEnd && !this.options.tty) {
      if (this.inPrefix && this.prefixBytes > 0) this.prefixAsContent();
      this.inPrefix = true;
    }
  }

  /** The stream ended for good: an unfinished line is emitted as it is. */
  flushPartial(): void {
    if (this.inPrefix && this.prefixBytes > 0) this.prefixAsContent();
    if (this.firstTs !== null) this.emit();
    this.inPrefix = true;
  }

  /** The stream was cut: forget an unfinished line (a resumed read delivers it again). */
  dropPartial(): void {
    this.parts = [];
    this.partBytes = 0;
    this.firstTs = null;
    this.prefix = [];
    this.prefixBytes = 0;
    this.inPrefix = true;
  }

  private readPrefix(data: Buffer, pos: number): number {
    const want = MAX_TS + 1 - this.prefixBytes;
    const window = data.subarray(pos, Math.min(data.length, pos + want));
    const sp = window.indexOf(SPACE);
    if (sp === -1) {
      this.prefix.push(window);
      this.prefixBytes += window.length;
      if (this.prefixBytes > MAX_TS) this.prefixAsContent();
      return pos + window.length;
    }
    this.prefix.push(window.subarray(0, sp));
    const ts = Buffer.concat(this.prefix).toString('latin1');
    this.prefix = [];
    this.prefixBytes = 0;
    if (TIMESTAMP.test(ts)) {
      this.startContent(ts);
      return pos + sp + 1;
    }
    // Not a timestamp: those bytes were text of the current line.
    this.startContent(null);
    this.messageBytes = -1;
    this.addContent(Buffer.from(`${ts} `, 'latin1'));
    return pos + sp + 1;
  }

  private prefixAsContent(): void {
    const bytes = Buffer.concat(this.prefix);
    this.prefix = [];
    this.prefixBytes = 0;
    this.startContent(null);
    this.messageBytes = -1;
    this.addContent(bytes);
  }

  private startContent(ts: string | null): void {
    this.inPrefix = false;
    this.messageBytes = 0;
    if (ts !== null) this.lastTs = ts;
    if (this.firstTs === null) this.firstTs = ts ?? this.lastTs;
  }

  private readContent(data: Buffer, pos: number): number {
    const tty = this.options.tty;
    let end = data.length;
    // With a TTY, a message without a newline ends after 16 KiB: look for a newline only that far.
    if (tty && this.messageBytes >= 0)
      end = Math.min(end, pos + DOCKER_PARTIAL_BYTES - this.messageBytes);
    const nl = data.subarray(pos, end).indexOf(NEWLINE);
    if (nl !== -1) {
      this.addContent(data.subarray(pos, pos + nl));
      this.emit();
      this.inPrefix = true;
      return pos + nl + 1;
    }
    this.addContent(data.subarray(pos, end));
    if (tty && this.messageBytes >= 0) {
      this.messageBytes += end - pos;
      if (this.messageBytes >= DOCKER_PARTIAL_BYTES) this.inPrefix = true;
    }
    return end;
  }

  private addContent(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.parts.push(bytes);
    this.partBytes += bytes.length;
    if (this.partBytes >= this.maxLineBytes) {
      // Bounded memory: a line this long is cut here and carries on as a new line.
      const firstTs = this.firstTs;
      this.emit();
      this.firstTs = firstTs;
    }
  }

  private emit(): void {
    let body = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partBytes);
    if (this.options.tty && body.length > 0 && body[body.length - 1] === CR)
      body = body.subarray(0, body.length - 1);
    const ts = this.firstTs ?? this.lastTs;
    this.sink(`${ts} ${body.toString('utf8')}`, this.lastTs);
    this.parts = [];
    this.partBytes = 0;
    this.firstTs = null;
  }
}
