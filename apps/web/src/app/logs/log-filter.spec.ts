import { compileFilter, matchRanges, NO_FILTER } from './log-filter';
import type { LogLine } from './log-line';

function line(plain: string, patch: Partial<LogLine> = {}): LogLine {
  return {
    uid: 1,
    source: 'h/c',
    kind: 'line',
    lineNo: 1,
    timestamp: null,
    sortKey: '',
    text: plain,
    plain,
    stderr: false,
    level: null,
    json: false,
    ...patch,
  };
}

function passes(options: Partial<typeof NO_FILTER>, lines: LogLine[]): string[] {
  const compiled = compileFilter({ ...NO_FILTER, ...options });
  if (!compiled.ok) throw new Error(compiled.error);
  return lines.filter((l) => compiled.test === null || compiled.test(l)).map((l) => l.plain);
}

describe('compileFilter', () => {
  const lines = [
    line('GET /health 200'),
    line('POST /login 500'),
    line('get /Health 404'),
    line('a.b+c'),
  ];

  it('passes everything without a filter', () => {
    const compiled = compileFilter(NO_FILTER);
    expect(compiled).toEqual({ ok: true, test: null, highlight: null });
  });

  it('matches text case-insensitively by default', () => {
    expect(passes({ text: 'health' }, lines)).toEqual(['GET /health 200', 'get /Health 404']);
  });

  it('matches case when asked', () => {
    expect(passes({ text: 'Health', caseSensitive: true }, lines)).toEqual(['get /Health 404']);
  });

  it('takes text literally, regex characters included', () => {
    expect(passes({ text: 'a.b+c' }, lines)).toEqual(['a.b+c']);
    expect(passes({ text: '.' }, [line('abc'), line('a.c')])).toEqual(['a.c']);
  });

  it('matches a regular expression', () => {
    expect(passes({ text: '\\s[45]\\d\\d$', regex: true }, lines)).toEqual([
      'POST /login 500',
      'get /Health 404',
    ]);
  });

  it('reports an invalid regular expression instead of throwing', () => {
    const compiled = compileFilter({ ...NO_FILTER, text: '(unclosed', regex: true });
    expect(compiled.ok).toBe(false);
    expect(compiled.ok ? '' : compiled.error).toMatch(/^Invalid regular expression/);
    expect(() => compileFilter({ ...NO_FILTER, text: '[', regex: true })).not.toThrow();
  });

  it('filters by minimum level, hiding lines without one', () => {
    const levelled = [
      line('a', { level: 'debug' }),
      line('b', { level: 'warn' }),
      line('c', { level: 'error' }),
      line('d', { level: null }),
    ];
    expect(passes({ minLevel: 'warn' }, levelled)).toEqual(['b', 'c']);
    expect(passes({ minLevel: 'error', text: 'c' }, levelled)).toEqual(['c']);
  });

  it('always shows gap markers', () => {
    const gap = line('100 lines no longer retained', { kind: 'gap' });
    expect(passes({ text: 'nothing-like-this', minLevel: 'fatal' }, [gap])).toHaveLength(1);
  });

  it('gives a global pattern to highlight', () => {
    const compiled = compileFilter({ ...NO_FILTER, text: 'o' });
    expect(compiled.ok && compiled.highlight?.flags).toContain('g');
  });
});

describe('matchRanges', () => {
  it('finds every match', () => {
    expect(matchRanges('foo boo', /o+/gi)).toEqual([
      [1, 3],
      [5, 7],
    ]);
  });

  it('skips empty matches without looping forever', () => {
    expect(matchRanges('abc', /x*/g)).toEqual([]);
  });

  it('caps the number of ranges', () => {
    expect(matchRanges('a'.repeat(1000), /a/g, 10)).toHaveLength(10);
  });

  it('returns nothing without a pattern', () => {
    expect(matchRanges('abc', null)).toEqual([]);
  });
});
