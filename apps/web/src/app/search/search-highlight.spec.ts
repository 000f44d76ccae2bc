import { highlighter } from './search-highlight';

const marked = (pattern: string, line: string): string =>
  highlighter(pattern)(line)
    .map((s) => (s.match ? `[${s.text}]` : s.text))
    .join('');

describe('highlighter', () => {
  it('marks every match of the pattern and keeps the rest of the line', () => {
    expect(marked('err(or)?', 'error: an err in the error path')).toBe(
      '[error]: an [err] in the [error] path',
    );
    expect(marked('^GET /api', 'GET /api/hosts 200')).toBe('[GET /api]/hosts 200');
  });

  it('keeps the line whole when nothing (or only the empty string) matches', () => {
    expect(marked('x*', 'abc')).toBe('abc');
    expect(marked('zzz', 'abc')).toBe('abc');
    expect(highlighter('a')('')).toEqual([]);
  });

  it('uses RE2 semantics: a bad pattern highlights nothing, a hostile one finishes at once', () => {
    expect(marked('(unclosed', 'some (unclosed text')).toBe('some (unclosed text');
    const line = `${'a'.repeat(20_000)}b`;
    const started = Date.now();
    expect(marked('(a+)+$', line)).toBe(line);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('keeps markup as text (escaping is the template’s)', () => {
    expect(highlighter('<b>')('x <b>y</b>')).toEqual([
      { text: 'x ', match: false },
      { text: '<b>', match: true },
      { text: 'y</b>', match: false },
    ]);
  });

  it('stops after 100 spans', () => {
    const parts = highlighter('a')('a'.repeat(500));
    expect(parts.filter((p) => p.match)).toHaveLength(100);
    expect(parts.map((p) => p.text).join('')).toBe('a'.repeat(500));
  });
});
