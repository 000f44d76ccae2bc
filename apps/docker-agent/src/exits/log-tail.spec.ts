import { EXIT_LIMITS } from '@flotilla/contracts';
import { parseLogTail } from './log-tail';

/** A multiplexed frame of Docker's log answer: 1 stdout, 2 stderr. */
function frame(source: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = source;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

const ts = (i: number): string => `2026-11-30T10:00:${String(i % 60).padStart(2, '0')}.000000001Z`;

describe('parseLogTail', () => {
  it('keeps the newest lines of both outputs in the order Docker sent them', () => {
    const answer = Buffer.concat(
      Array.from({ length: 60 }, (_, i) => frame(i % 2 === 0 ? 1 : 2, `${ts(i)} line ${i}\n`)),
    );
    const lines = parseLogTail(answer, false);
    expect(lines).toHaveLength(EXIT_LIMITS.lines);
    expect(lines[0]).toEqual({ ts: ts(10), stream: 'stdout', text: 'line 10' });
    expect(lines.at(-1)).toEqual({ ts: ts(59), stream: 'stderr', text: 'line 59' });
  });

  it('reads raw TTY output, ends an unfinished last line and cuts long lines', () => {
    const long = 'x'.repeat(EXIT_LIMITS.lineChars + 100);
    const answer = Buffer.from(`${ts(1)} ${long}\r\n${ts(2)} no newline`);
    const lines = parseLogTail(answer, true);
    expect(lines.map((l) => l.text)).toEqual([long.slice(0, EXIT_LIMITS.lineChars), 'no newline']);
    expect(lines.every((l) => l.stream === 'stdout')).toBe(true);
  });

  it('gives nothing for an empty log', () => {
    expect(parseLogTail(Buffer.alloc(0), false)).toEqual([]);
  });
});
