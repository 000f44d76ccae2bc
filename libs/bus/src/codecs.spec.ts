import { decodeLogEntry, encodeLogBatch } from './codecs';

describe('log batch codec', () => {
  it('round-trips a batch through its stream fields', () => {
    const { entry, fields } = encodeLogBatch(41, {
      lines: ['T1 a', 'T2 b'],
      stderr: [1],
      lastTimestamp: 'T2',
    });
    expect(fields).toEqual({ l: 'T1 a\nT2 b\n', n: '2', e: '1', t: 'T2' });
    expect(entry).toEqual({
      id: '42-0',
      seq: 42,
      n: 2,
      text: 'T1 a\nT2 b\n',
      stderr: [1],
      lastTimestamp: 'T2',
    });
    expect(decodeLogEntry('42-0', fields)).toEqual({ ok: true, value: entry });
  });

  it('rejects entries whose id cannot number their lines', () => {
    const fields = { l: 'a\nb\n', n: '2', e: '', t: 't' };
    expect(decodeLogEntry('42-1', fields).ok).toBe(false);
    expect(decodeLogEntry('1-0', fields).ok).toBe(false);
    expect(decodeLogEntry('2-0', { ...fields, n: '3' }).ok).toBe(false);
  });

  it('refuses a batch readers could not decode', () => {
    expect(() => encodeLogBatch(0, { lines: ['a'], stderr: [], lastTimestamp: 't' })).toThrow(
      /start at 1/,
    );
    expect(() =>
      encodeLogBatch(1, { lines: ['a'], stderr: [], lastTimestamp: 'x'.repeat(65) }),
    ).toThrow(/rejected/);
  });
});
