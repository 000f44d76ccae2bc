import { isRoutineSocketError } from './socket-noise';

describe('isRoutineSocketError', () => {
  it('treats teardown noise as routine', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const pipe = Object.assign(new Error('write'), { code: 'EPIPE' });
    expect(
      [reset, pipe, new Error('socket hang up'), 'transport close', 'ping timeout'].every(
        isRoutineSocketError,
      ),
    ).toBe(true);
  });

  it('keeps real failures as errors', () => {
    expect(isRoutineSocketError(new Error('Cannot read properties of undefined'))).toBe(false);
    expect(isRoutineSocketError('parse error')).toBe(false);
    expect(isRoutineSocketError(42)).toBe(false);
  });
});
