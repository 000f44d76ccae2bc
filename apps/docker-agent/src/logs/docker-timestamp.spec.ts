import { sinceAfter } from './docker-timestamp';

describe('sinceAfter', () => {
  it('adds one nanosecond', () => {
    expect(sinceAfter('2026-11-25T19:25:40.949852931Z')).toBe(
      `${Date.parse('2026-11-25T19:25:40Z') / 1000}.949852932`,
    );
  });
  it('carries into the next second', () => {
    expect(sinceAfter('1970-01-01T00:00:01.999999999Z')).toBe('2.000000000');
  });
  it('accepts short fractions and offsets', () => {
    expect(sinceAfter('1970-01-01T01:00:00.5+01:00')).toBe('0.500000001');
    expect(sinceAfter('1970-01-01T00:00:10Z')).toBe('10.000000001');
  });
  it('refuses what is not a timestamp', () => {
    expect(sinceAfter('yesterday')).toBeNull();
    expect(sinceAfter('')).toBeNull();
  });
});
