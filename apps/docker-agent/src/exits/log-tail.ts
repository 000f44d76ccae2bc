import { EXIT_LIMITS } from '@flotilla/contracts';
import type { ExitRecord } from '@flotilla/contracts';
import { FrameDemuxer, STDERR } from '../logs/frame-demuxer';
import { LineAssembler } from '../logs/log-line-assembler';

export type ExitLine = ExitRecord['lines'][number];

/**
 * The lines of a non-following, timestamped Docker log answer (frames, or raw bytes with a TTY),
 * in the order Docker sent them, the newest `EXIT_LIMITS.lines` kept, each cut to
 * `EXIT_LIMITS.lineChars`. Uses the follower's demuxer and assembler, so long lines Docker split
 * into 16 KiB pieces come back whole.
 */
export function parseLogTail(answer: Buffer, tty: boolean): ExitLine[] {
  const lines: ExitLine[] = [];
  const sink =
    (stream: ExitLine['stream']) =>
    (line: string): void => {
      const space = line.indexOf(' ');
      lines.push({
        ts: line.slice(0, space),
        stream,
        text: line.slice(space + 1, space + 1 + EXIT_LIMITS.lineChars),
      });
      if (lines.length > 2 * EXIT_LIMITS.lines) lines.splice(0, lines.length - EXIT_LIMITS.lines);
    };
  const stdout = new LineAssembler(sink('stdout'), { tty, maxLineBytes: 64 * 1024 });
  const stderr = new LineAssembler(sink('stderr'), { tty, maxLineBytes: 64 * 1024 });
  if (tty) stdout.push(answer);
  else
    new FrameDemuxer((source, data, end) =>
      (source === STDERR ? stderr : stdout).push(data, end),
    ).push(answer);
  stdout.flushPartial();
  stderr.flushPartial();
  return lines.slice(-EXIT_LIMITS.lines);
}
