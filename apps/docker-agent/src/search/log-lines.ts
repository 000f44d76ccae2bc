import type { Readable } from 'node:stream';
import { FrameDemuxer, STDERR } from '../logs/frame-demuxer';
import { LineAssembler } from '../logs/log-line-assembler';
import { searchTimestamp } from './search-time';
import type { SearchStream } from '@flotilla/contracts';

/** One line of a container's Docker log. */
export interface LogLine {
  ts: string;
  stream: SearchStream;
  text: string;
}

/**
 * The lines of one non-following Docker log read, in the order Docker sent them. Pulled one
 * chunk at a time (`for await`), so the Docker stream is paused while the consumer is behind;
 * `onBytes` counts what was read. Lines without a valid timestamp are skipped.
 */
export async function* logLines(
  stream: Readable,
  tty: boolean,
  onBytes: (bytes: number) => void,
): AsyncGenerator<LogLine> {
  const ready: LogLine[] = [];
  const sink = (source: SearchStream) => (line: string) => {
    const space = line.indexOf(' ');
    const ts = space === -1 ? null : searchTimestamp(line.slice(0, space));
    if (ts !== null) ready.push({ ts, stream: source, text: line.slice(space + 1) });
  };
  const stdout = new LineAssembler(sink('stdout'), { tty });
  const stderr = new LineAssembler(sink('stderr'), { tty });
  const demux = tty
    ? null
    : new FrameDemuxer((source, data, end) =>
        (source === STDERR ? stderr : stdout).push(data, end),
      );
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      onBytes(chunk.length);
      if (demux) demux.push(chunk);
      else stdout.push(chunk);
      yield* ready.splice(0);
    }
    stdout.flushPartial();
    stderr.flushPartial();
    // The two outputs' last unfinished lines, in time order.
    yield* ready.splice(0).sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  } finally {
    stream.destroy();
  }
}
