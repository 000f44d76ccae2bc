import {
  chunked,
  dockerLogStream,
  frame,
  type FixtureLine,
} from '../../test/support/docker-log-fixtures';
import { FrameDemuxer, STDERR, STDOUT } from './frame-demuxer';
import { LineAssembler } from './log-line-assembler';

interface Out {
  line: string;
  lastTs: string;
  stderr: boolean;
}

/** Runs chunks through the demuxer (no TTY) or straight into one assembler (TTY). */
function run(
  chunks: Buffer[],
  tty: boolean,
  maxLineBytes?: number,
): { out: Out[]; flush: () => void } {
  const out: Out[] = [];
  const make = (stderr: boolean): LineAssembler =>
    new LineAssembler((line, lastTs) => out.push({ line, lastTs, stderr }), { tty, maxLineBytes });
  const stdout = make(false);
  const stderr = make(true);
  if (tty) {
    for (const c of chunks) stdout.push(c);
  } else {
    const demux = new FrameDemuxer((source, data, end) =>
      (source === STDERR ? stderr : stdout).push(data, end),
    );
    for (const c of chunks) demux.push(c);
  }
  return {
    out,
    flush: () => {
      stdout.flushPartial();
      stderr.flushPartial();
    },
  };
}

const expected = (lines: FixtureLine[]): Out[] =>
  lines.map((l) => ({
    line: `${l.ts![0]} ${l.text}`,
    lastTs: l.ts![l.ts!.length - 1],
    stderr: !!l.stderr,
  }));

function randomLines(seed: number, count: number): FixtureLine[] {
  let s = seed;
  const rand = (n: number): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
  const alphabet = ['a', 'b', 'é', '€', '😀', ' ', '\t', 'z', '0', '\u00a0'];
  const lines: FixtureLine[] = [];
  for (let i = 0; i < count; i++) {
    const kind = rand(10);
    const len = kind === 0 ? 16_000 + rand(40_000) : kind === 1 ? 0 : rand(200);
    let text = `${i}:`;
    while (text.length < len) text += alphabet[rand(alphabet.length)];
    lines.push({ text, stderr: rand(3) === 0 });
  }
  return lines;
}

describe('FrameDemuxer', () => {
  it('splits frames whose headers and payloads are cut anywhere', () => {
    const stream = Buffer.concat([
      frame(STDOUT, Buffer.from('hello\n')),
      frame(STDERR, Buffer.from('oops\n')),
      frame(STDOUT, Buffer.alloc(0)),
      frame(STDOUT, Buffer.from('x'.repeat(70_000))),
    ]);
    for (const seed of [1, 2, 3]) {
      const seen: { source: number; text: string; end: boolean }[] = [];
      const demux = new FrameDemuxer((source, data, end) =>
        seen.push({ source, text: data.toString(), end }),
      );
      for (const c of chunked(stream, seed, 900)) demux.push(c);
      const frames: { source: number; text: string }[] = [];
      let current = '';
      for (const s of seen) {
        current += s.text;
        if (s.end) {
          frames.push({ source: s.source, text: current });
          current = '';
        }
      }
      expect(frames).toEqual([
        { source: STDOUT, text: 'hello\n' },
        { source: STDERR, text: 'oops\n' },
        { source: STDOUT, text: 'x'.repeat(70_000) },
      ]);
      expect(demux.midFrame).toBe(false);
    }
  });
});

describe('LineAssembler', () => {
  it.each([false, true])('keeps the timestamp and text of simple lines (tty=%s)', (tty) => {
    const lines: FixtureLine[] = [{ text: 'one' }, { text: 'two words' }, { text: '' }];
    const { out } = run([dockerLogStream(lines, tty)], tty);
    expect(out.map((o) => o.line)).toEqual(expected(lines).map((o) => o.line));
    expect(out[0].line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z one$/);
  });

  it.each([false, true])(
    'rejoins a 100 KiB line cut into 16 KiB messages, first timestamp kept (tty=%s)',
    (tty) => {
      const lines: FixtureLine[] = [
        { text: 'before' },
        { text: 'é'.repeat(50_000) + 'END' },
        { text: 'after' },
      ];
      const { out } = run(chunked(dockerLogStream(lines, tty), 7), tty);
      expect(lines[1].ts!.length).toBeGreaterThan(6);
      expect(out).toEqual(expected(lines));
    },
  );

  it.each([false, true])('never splits a multi-byte character across chunks (tty=%s)', (tty) => {
    const lines: FixtureLine[] = [{ text: '😀€é'.repeat(300) }, { text: '中文字符' }];
    const stream = dockerLogStream(lines, tty);
    const byteByByte = [...stream].map((b) => Buffer.from([b]));
    expect(run(byteByByte, tty).out).toEqual(expected(lines));
  });

  it('turns invalid bytes into U+FFFD', () => {
    const ts = '2026-01-01T00:00:00.000000001Z';
    const payload = Buffer.concat([
      Buffer.from(`${ts} a`),
      Buffer.from([0xff, 0xc3]),
      Buffer.from('b\n'),
    ]);
    const { out } = run([frame(STDOUT, payload)], false);
    expect(out[0].line).toBe(`${ts} a\ufffd\ufffdb`);
  });

  it('strips the TTY carriage return but keeps one in plain output', () => {
    const ts = '2026-01-01T00:00:00.000000001Z';
    expect(run([Buffer.from(`${ts} tty line\r\n`)], true).out[0].line).toBe(`${ts} tty line`);
    expect(run([frame(STDOUT, Buffer.from(`${ts} raw\r\n`))], false).out[0].line).toBe(
      `${ts} raw\r`,
    );
  });

  it('handles a line of exactly 16 KiB and one a byte short (the copier cuts before the newline)', () => {
    for (const tty of [false, true]) {
      const lines: FixtureLine[] = [
        { text: 'q'.repeat(16 * 1024) },
        { text: 'r'.repeat(16 * 1024 - 1) },
        { text: 's' },
      ];
      expect(run(chunked(dockerLogStream(lines, tty), 3), tty).out).toEqual(expected(lines));
    }
  });

  it('keeps an unfinished line until flushed, then emits it', () => {
    const lines: FixtureLine[] = [{ text: 'done' }, { text: 'no newline', noNewline: true }];
    const { out, flush } = run([dockerLogStream(lines, false)], false);
    expect(out.map((o) => o.line)).toEqual([`${lines[0].ts![0]} done`]);
    flush();
    expect(out.map((o) => o.line)).toEqual(expected(lines).map((o) => o.line));
  });

  it('keeps stdout and stderr lines apart while their pieces interleave', () => {
    const big: FixtureLine = { text: 'o'.repeat(40_000) };
    const err: FixtureLine = { text: 'error!', stderr: true };
    const bigMessages = dockerLogStream([big], false);
    // Put the stderr frame between the first and second 16 KiB stdout frames.
    const firstFrameLength = 8 + bigMessages.readUInt32BE(4);
    const stream = Buffer.concat([
      bigMessages.subarray(0, firstFrameLength),
      dockerLogStream([err], false),
      bigMessages.subarray(firstFrameLength),
    ]);
    const { out } = run(chunked(stream, 11), false);
    expect(out).toEqual(expected([err, big]));
  });

  it('cuts a line longer than the cap (bounded memory)', () => {
    const lines: FixtureLine[] = [{ text: 'x'.repeat(100_000) }];
    const { out } = run([dockerLogStream(lines, false)], false, 32 * 1024);
    expect(out.length).toBe(4);
    expect(out.map((o) => o.line.slice(31)).join('')).toBe('x'.repeat(100_000));
  });

  it.each([1, 2, 3, 4, 5, 6])(
    'delivers random lines intact whatever the chunking (seed %d)',
    (seed) => {
      for (const tty of [false, true]) {
        const lines = randomLines(seed, 300).map((l) => (tty ? { ...l, stderr: false } : l));
        const { out } = run(chunked(dockerLogStream(lines, tty), seed * 31), tty);
        const want = expected(lines);
        if (tty) {
          expect(out).toEqual(want);
        } else {
          // Per output, order is kept; across outputs, a long stdout line completes after interleaved stderr ones.
          expect(out.filter((o) => !o.stderr)).toEqual(want.filter((o) => !o.stderr));
          expect(out.filter((o) => o.stderr)).toEqual(want.filter((o) => o.stderr));
        }
      }
    },
  );
});
