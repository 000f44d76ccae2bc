import { GatewayError } from '../core/gateway-error';
import { logPattern } from './log-pattern';

describe('logPattern', () => {
  it('matches anywhere in the line', () => {
    expect(logPattern('ERROR [0-9]+').test('12:00 ERROR 42 disk full')).toBe(true);
    expect(logPattern('ERROR [0-9]+').test('12:00 error 42')).toBe(false);
    expect(logPattern('(?i)error').test('Error')).toBe(true);
  });

  it('refuses what RE2 cannot run in linear time, with a clear invalid_payload', () => {
    for (const bad of ['ERROR (', '(?<=x)y', '(a)\\1']) {
      expect(() => logPattern(bad)).toThrow(GatewayError);
      try {
        logPattern(bad);
      } catch (error: unknown) {
        expect((error as GatewayError).code).toBe('invalid_payload');
        expect((error as GatewayError).message).toMatch(/^trigger\.pattern: /);
      }
    }
  });

  it('stays linear on a hostile pattern and a long line', () => {
    const line = `${'a'.repeat(200_000)}!`;
    const started = process.hrtime.bigint();
    expect(logPattern('(a+)+$').test(line)).toBe(false);
    // Backtracking engines take longer than the age of the universe here; RE2 takes milliseconds.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(5_000);
  });
});
