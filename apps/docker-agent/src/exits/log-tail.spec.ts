import { EXIT_LIMITS } from '@flotilla/contracts';
import { Readable } from 'node:stream';
import type { ContainerClient } from '../docker/container-client';
import { readLogTail } from './log-tail';

/** A multiplexed frame of Docker's log answer: 1 stdout, 2 stderr. */
function frame(source: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = source;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

const ts = (i: number): string => `2026-11-30T10:00:${String(i % 60).padStart(2, '0')}.000000001Z`;

/** Docker answering the read with `answer`, cut into `chunk`-byte pieces; records the requests. */
function docker(answer: Buffer, chunk = 7) {
  const requests: { range: { tail?: number; until?: string }; signal?: AbortSignal }[] = [];
  const client: Pick<ContainerClient, 'readLogs'> = {
    readLogs: (_id, range, signal) => {
      requests.push({ range, signal });
      const pieces: Buffer[] = [];
      for (let i = 0; i < answer.length; i += chunk) pieces.push(answer.subarray(i, i + chunk));
      return Promise.resolve(Readable.from(pieces));
    },
  };
  return { client, requests };
}

const UNTIL = '1796032800.000001000';

describe('readLogTail', () => {
  it('asks Docker for the tail up to the death and keeps the newest lines in order', async () => {
    const answer = Buffer.concat(
      Array.from({ length: 60 }, (_, i) => frame(i % 2 === 0 ? 1 : 2, `${ts(i)} line ${i}\n`)),
    );
    const { client, requests } = docker(answer);
    const lines = await readLogTail(client, 'c1', { tail: 60, until: UNTIL, tty: false });
    expect(requests.map((r) => r.range)).toEqual([{ tail: 60, until: UNTIL }]);
    expect(requests[0].signal).toBeInstanceOf(AbortSignal);
    expect(lines).toHaveLength(EXIT_LIMITS.lines);
    expect(lines[0]).toEqual({ ts: ts(10), stream: 'stdout', text: 'line 10' });
    expect(lines.at(-1)).toEqual({ ts: ts(59), stream: 'stderr', text: 'line 59' });
  });

  it('joins a line Docker split into 16 KiB pieces, then cuts it', async () => {
    const piece = 'y'.repeat(16 * 1024);
    const answer = Buffer.concat([
      frame(1, `${ts(1)} ${piece}`),
      frame(1, `${ts(2)} ${piece}\n`),
      frame(1, `${ts(3)} after\n`),
    ]);
    const lines = await readLogTail(docker(answer, 1000).client, 'c1', {
      tail: 50,
      until: UNTIL,
      tty: false,
    });
    expect(lines).toEqual([
      { ts: ts(1), stream: 'stdout', text: piece.slice(0, EXIT_LIMITS.lineChars) },
      { ts: ts(3), stream: 'stdout', text: 'after' },
    ]);
  });

  it('reads raw TTY output, ends an unfinished last line and cuts long lines', async () => {
    const long = 'x'.repeat(EXIT_LIMITS.lineChars + 100);
    const answer = Buffer.from(`${ts(1)} ${long}\r\n${ts(2)} no newline`);
    const lines = await readLogTail(docker(answer).client, 'c1', {
      tail: 50,
      until: UNTIL,
      tty: true,
    });
    expect(lines.map((l) => l.text)).toEqual([long.slice(0, EXIT_LIMITS.lineChars), 'no newline']);
    expect(lines.every((l) => l.stream === 'stdout')).toBe(true);
  });

  it('gives nothing for an empty log', async () => {
    const { client } = docker(Buffer.alloc(0));
    expect(await readLogTail(client, 'c1', { tail: 50, until: UNTIL, tty: false })).toEqual([]);
  });
});
