import { demuxDockerLog, expectedLines, printLines, shellQuote, toLines } from '@flotilla/testing';

describe('container scripts', () => {
  it('quote prefixes so any text is printed literally', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(printLines(2, 'a b')).toContain(`'a b'`);
    expect(() => printLines(1, 'back\\slash')).toThrow();
    expect(expectedLines(2, 'x', 5)).toEqual(['x 5', 'x 6']);
  });
});

describe('demuxDockerLog', () => {
  const frame = (stream: number, text: string): Buffer => {
    const header = Buffer.alloc(8);
    header[0] = stream;
    header.writeUInt32BE(Buffer.byteLength(text), 4);
    return Buffer.concat([header, Buffer.from(text)]);
  };

  it('splits stdout and stderr frames', () => {
    const log = Buffer.concat([frame(1, 'one\n'), frame(2, 'oops\n'), frame(1, 'two\n')]);
    expect(demuxDockerLog(log)).toEqual({ stdout: 'one\ntwo\n', stderr: 'oops\n' });
    expect(toLines('one\ntwo\n')).toEqual(['one', 'two']);
  });
});
