import { describeGap, splitTimestamp, timestampSortKey, toLogLines } from './log-line';

describe('splitTimestamp', () => {
  it('splits the Docker timestamp from the text', () => {
    expect(splitTimestamp('2024-05-01T10:00:00.123456789Z hello world')).toEqual({
      timestamp: '2024-05-01T10:00:00.123456789Z',
      text: 'hello world',
    });
  });

  it('keeps lines without a timestamp whole', () => {
    expect(splitTimestamp('no time here')).toEqual({ timestamp: null, text: 'no time here' });
  });

  it('keeps the text exactly, leading spaces included', () => {
    expect(splitTimestamp('2024-05-01T10:00:00Z    indented').text).toBe('   indented');
  });
});

describe('timestampSortKey', () => {
  it('pads nanoseconds so keys sort like times', () => {
    const a = timestampSortKey('2024-05-01T10:00:00.5Z');
    const b = timestampSortKey('2024-05-01T10:00:00.45Z');
    const c = timestampSortKey('2024-05-01T10:00:00Z');
    expect(a).toBe('2024-05-01T10:00:00.500000000');
    expect([a, b, c].sort()).toEqual([c, b, a]);
  });

  it('converts offsets to UTC', () => {
    expect(timestampSortKey('2024-05-01T12:00:00.25+02:00')).toBe('2024-05-01T10:00:00.250000000');
  });
});

describe('toLogLines', () => {
  it('detects levels, JSON and stderr, and lets indented lines inherit the level', () => {
    const lines = toLogLines(
      'h/c',
      [
        { raw: '2024-05-01T10:00:00Z ERROR boom', stderr: true, lineNo: 1 },
        { raw: '2024-05-01T10:00:00Z     at handler (app.js:1)', stderr: true, lineNo: 2 },
        { raw: '2024-05-01T10:00:01Z {"level":"info","msg":"ok"}', stderr: false, lineNo: 3 },
      ],
      undefined,
    );
    expect(lines.map((l) => [l.level, l.stderr, l.json, l.lineNo])).toEqual([
      ['error', true, false, 1],
      ['error', true, false, 2],
      ['info', false, true, 3],
    ]);
    expect(lines[0]?.uid).toBeLessThan(lines[1]?.uid ?? 0);
  });

  it('sorts a line without a timestamp with the line before it', () => {
    const [first, second] = toLogLines(
      'h/c',
      [
        { raw: '2024-05-01T10:00:05Z a', stderr: false, lineNo: 1 },
        { raw: 'b', stderr: false, lineNo: 2 },
      ],
      undefined,
    );
    expect(second?.sortKey).toBe(first?.sortKey);
  });
});

describe('describeGap', () => {
  it('says how many lines and why', () => {
    expect(describeGap(1234, 'retention')).toBe('1,234 lines no longer retained');
    expect(describeGap(1, 'client')).toBe('1 line missing from what arrived');
    expect(describeGap(null, 'reset')).toBe(
      'An unknown number of lines lost: the log store was reset',
    );
  });
});
