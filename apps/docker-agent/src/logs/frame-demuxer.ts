/** Which output a frame came from, as Docker's multiplexed stream numbers them. */
export const STDOUT = 1;
export const STDERR = 2;
export type FrameSource = typeof STDOUT | typeof STDERR;

/** Receives frame payloads in order; a large frame may come in several pieces. */
export type FrameSink = (source: FrameSource, data: Buffer, frameEnd: boolean) => void;

const HEADER = 8;

/**
 * Demultiplexes Docker's attach/logs stream of a container without a TTY: frames of an 8-byte
 * header (stream type, 3 zero bytes, big-endian payload length) and the payload. Headers and
 * payloads may be split anywhere across chunks; payload pieces are passed on as they arrive
 * (no frame is buffered whole), with `frameEnd` on the last one.
 */
export class FrameDemuxer {
  private readonly header = Buffer.alloc(HEADER);
  private headerFill = 0;
  private remaining = 0;
  private source: FrameSource = STDOUT;

  constructor(private readonly sink: FrameSink) {}

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(HEADER - this.headerFill, chunk.length - pos);
        chunk.copy(this.header, this.headerFill, pos, pos + take);
        this.headerFill += take;
        pos += take;
        if (this.headerFill < HEADER) return;
        this.headerFill = 0;
        this.source = this.header[0] === STDERR ? STDERR : STDOUT;
        this.remaining = this.header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - pos);
      this.remaining -= take;
      this.sink(this.source, chunk.subarray(pos, pos + take), this.remaining === 0);
      pos += take;
    }
  }

  /** Bytes of an unfinished frame are pending (the stream was cut mid-frame). */
  get midFrame(): boolean {
    return this.remaining > 0 || this.headerFill > 0;
  }
}
