import { searchPatternError, searchQuerySchema } from './search';
import { parsePayload } from './validate';

describe('search patterns', () => {
  it('accepts RE2 syntax, including patterns that backtracking engines choke on', () => {
    expect(searchPatternError('error [0-9]+')).toBeNull();
    expect(searchPatternError('(a+)+$')).toBeNull();
  });

  it('refuses what RE2 cannot do, empty and overlong patterns, with a clear message', () => {
    expect(searchPatternError('(a)\\1')).toMatch(/not a supported regular expression/);
    expect(searchPatternError('(?=a)')).toMatch(/not a supported regular expression/);
    expect(searchPatternError('(unclosed')).toMatch(/not a supported regular expression/);
    expect(searchPatternError('')).toMatch(/empty/);
    expect(searchPatternError('a'.repeat(513))).toMatch(/longer than 512/);
  });

  it('bounds the limit', () => {
    expect(parsePayload(searchQuerySchema, { q: 'x', limit: '10000' }).ok).toBe(true);
    expect(parsePayload(searchQuerySchema, { q: 'x', limit: '10001' }).ok).toBe(false);
  });
});
