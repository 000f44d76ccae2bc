import { STDERR, STDOUT } from '../../src/logs/frame-demuxer';
import { DOCKER_PARTIAL_BYTES } from '../../src/logs/log-line-assembler';

/**
 * Builds byte streams the way dockerd sends a timestamped log (used by the specs): each line is
 * cut into 16 KiB messages, each message prefixed with its own timestamp; without a TTY every
 * message is a frame.
 */
export interface FixtureLine {
  text: string;
  stderr?: boolean;
  /** Timestamps of its pieces (one per 16 KiB); generated when absent. */
  ts?: string[];
  /** The line has no newline (the container ended without one). */
  noNewline?: boolean;
}

const EPOCH_S = Date.parse('2026-01-01T00:00:00Z') / 1000;
let clockNs = 0;
export function nextTimestamp(): string {
  clockNs += 1234;
  const s = EPOCH_S + Math.floor(clockNs / 1e9);
  const ns = String(clockNs % 1e9).padStart(9, '0');
  return `${new Date(s * 1000).toISOString().slice(0, 19)}.${ns}Z`;
}

export function dockerMessages(
  line: FixtureLine,
  tty: boolean,
): { source: number; bytes: Buffer }[] {
  const body = Buffer.from(line.text + (line.noNewline ? '' : tty ? '\r\n' : '\n'), 'utf8');
  const out: { source: number; bytes: Buffer }[] = [];
  const stamps = line.ts ?? [];
  let i = 0;
  let k = 0;
  do {
    // The copier cuts at 16 KiB when no newline is in the buffer.
    const rest = body.subarray(i);
    const nl = rest.indexOf(0x0a);
    const size =
      nl !== -1 && nl < DOCKER_PARTIAL_BYTES ? nl + 1 : Math.min(DOCKER_PARTIAL_BYTES, rest.length);
    const ts = stamps[k] ?? nextTimestamp();
    stamps[k] = ts;
    out.push({
      source: line.stderr ? STDERR : STDOUT,
      bytes: Buffer.concat([Buffer.from(`${ts} `), rest.subarray(0, size)]),
    });
    i += size;
    k++;
  } while (i < body.length);
  line.ts = stamps;
  return out;
}

export function frame(source: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = source;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** The whole stream dockerd would send for these lines. */
export function dockerLogStream(lines: FixtureLine[], tty: boolean): Buffer {
  const parts: Buffer[] = [];
  for (const line of lines) {
    for (const m of dockerMessages(line, tty)) parts.push(tty ? m.bytes : frame(m.source, m.bytes));
  }
  return Buffer.concat(parts);
}

/** Cuts a buffer into chunks of pseudo-random sizes (deterministic per seed). */
export function chunked(data: Buffer, seed: number, maxChunk = 5000): Buffer[] {
  let s = seed;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length;) {
    const n = 1 + Math.floor(rand() * (rand() < 0.2 ? 8 : maxChunk));
    chunks.push(data.subarray(i, i + n));
    i += n;
  }
  return chunks;
}
