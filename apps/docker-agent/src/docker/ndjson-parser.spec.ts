import { NdjsonParser } from './ndjson-parser';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('NdjsonParser', () => {
  it('returns several values from one chunk, in order', () => {
    const parser = new NdjsonParser();
    expect(parser.push(b('{"a":1}\n{"a":2}\n{"a":3}\n'))).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });

  it('joins a value split across chunks, even inside a multi-byte character', () => {
    const parser = new NdjsonParser();
    const bytes = b('{"a":1}\n{"name":"héllo wörld"}\n');
    const out: unknown[] = [];
    for (let i = 0; i < bytes.length; i += 3) out.push(...parser.push(bytes.subarray(i, i + 3)));
    expect(out).toEqual([{ a: 1 }, { name: 'héllo wörld' }]);
  });

  it('feeds byte by byte', () => {
    const parser = new NdjsonParser();
    const bytes = b('{"x":[1,2,3]}\r\n\n{"y":"z"}\n');
    const out: unknown[] = [];
    for (const byte of bytes) out.push(...parser.push(Buffer.from([byte])));
    expect(out).toEqual([{ x: [1, 2, 3] }, { y: 'z' }]);
  });

  it('skips invalid lines and reports them', () => {
    const reasons: string[] = [];
    const parser = new NdjsonParser((r) => reasons.push(r));
    expect(parser.push(b('{"a":1}\nnot json\n{"a":2}\n'))).toEqual([{ a: 1 }, { a: 2 }]);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain('not JSON');
  });

  it('returns a last value without a newline at the end', () => {
    const parser = new NdjsonParser();
    expect(parser.push(b('{"a":1}\n{"a"'))).toEqual([{ a: 1 }]);
    expect(parser.push(b(':2}'))).toEqual([]);
    expect(parser.end()).toEqual([{ a: 2 }]);
  });

  it('drops a line longer than the cap and carries on', () => {
    const reasons: string[] = [];
    const parser = new NdjsonParser((r) => reasons.push(r), 16);
    expect(parser.push(b('{"long":"aaaaaaa'))).toEqual([]);
    expect(parser.push(b('aaaaaaaaaaaaa"}\n{"b":1}\n'))).toEqual([{ b: 1 }]);
    expect(reasons).toEqual(['line longer than 16 bytes dropped']);
  });
});
