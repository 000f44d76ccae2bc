import { exitRecordSchema, parsePayload } from './index';
import { signalOfExitCode } from './exits';
import { sampleExit } from '../testing';

describe('signalOfExitCode', () => {
  it('reads 128 + n as signal n', () => {
    expect(signalOfExitCode(137)).toEqual({ number: 9, name: 'SIGKILL' });
    expect(signalOfExitCode(143)).toEqual({ number: 15, name: 'SIGTERM' });
    expect(signalOfExitCode(139)).toEqual({ number: 11, name: 'SIGSEGV' });
  });

  it('finds no signal in ordinary exit codes', () => {
    for (const code of [0, 1, 3, 127, 128, 255, -1]) expect(signalOfExitCode(code)).toBeNull();
  });
});

describe('exitRecordSchema', () => {
  it('accepts a record and refuses unknown fields, too many lines and long lines', () => {
    expect(parsePayload(exitRecordSchema, sampleExit()).ok).toBe(true);
    const line = { ts: 't', stream: 'stdout', text: 'x' };
    for (const bad of [
      { ...sampleExit(), extra: 1 },
      sampleExit({
        lines: Array.from({ length: 51 }, () => ({ ...line, stream: 'stdout' as const })),
      }),
      sampleExit({ lines: [{ ...line, stream: 'stdout', text: 'x'.repeat(5_000) }] }),
      { ...sampleExit(), host_id: 'no{braces}' },
    ])
      expect(parsePayload(exitRecordSchema, bad).ok).toBe(false);
  });
});
