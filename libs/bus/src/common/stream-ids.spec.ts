import { compareStreamIds, timeOfStreamId } from './stream-ids';

describe('compareStreamIds', () => {
  it('orders by ms, then by sequence, numerically', () => {
    expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareStreamIds('10-10', '10-10')).toBe(0);
    expect(compareStreamIds('11-0', '10-99')).toBeGreaterThan(0);
  });

  it('is exact past 2^53, where floating point would call different ids equal', () => {
    expect(compareStreamIds('9007199254740993-0', '9007199254740992-0')).toBeGreaterThan(0);
    expect(compareStreamIds('1-18446744073709551615', '1-18446744073709551614')).toBeGreaterThan(0);
  });

  it('ignores leading zeros', () => {
    expect(compareStreamIds('007-1', '7-1')).toBe(0);
  });

  it('refuses what is not a full stream id', () => {
    expect(() => compareStreamIds('$', '1-0')).toThrow('not a stream id');
    expect(() => compareStreamIds('1-0', '12')).toThrow('not a stream id');
    for (const bad of [
      '-1',
      '1-',
      '1-2-3',
      '1-2x',
      ' 1-2',
      `${'9'.repeat(21)}-0`,
      `0-${'9'.repeat(21)}`,
    ])
      expect(() => compareStreamIds(bad, '1-0')).toThrow('not a stream id');
    expect(compareStreamIds(`${'9'.repeat(20)}-0`, '1-0')).toBeGreaterThan(0);
  });

  it('reads the time of an automatic id', () => {
    expect(timeOfStreamId('1700000000000-3')).toBe(1_700_000_000_000);
  });
});
