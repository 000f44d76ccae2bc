/// <reference types="jest" />
import { RedisKeys } from '@flotilla/contracts';
import { waitFor, type ContractContext } from './contract-context';

export function loginsContract(ctx: ContractContext): void {
  describe('logins', () => {
    it('knows a session until it is closed', async () => {
      const sid = `s-${ctx.newHost()}`;
      await ctx.bus.logins.openSession(sid, 'alice', 60_000);
      expect(await ctx.bus.logins.sessionUser(sid)).toBe('alice');
      expect(await ctx.bus.logins.sessionUser(`${sid}-other`)).toBeNull();
      await ctx.bus.logins.closeSession(sid);
      expect(await ctx.bus.logins.sessionUser(sid)).toBeNull();
    });

    it('forgets a session when its time is up, and never records one already expired', async () => {
      const sid = `s-${ctx.newHost()}`;
      await ctx.bus.logins.openSession(sid, 'alice', 100);
      expect(await ctx.bus.logins.sessionUser(sid)).toBe('alice');
      await waitFor(async () => (await ctx.bus.logins.sessionUser(sid)) === null, {
        timeoutMs: 5_000,
      });
      await ctx.bus.logins.openSession(sid, 'alice', 0);
      expect(await ctx.bus.logins.sessionUser(sid)).toBeNull();
    });

    it('counts attempts per bucket within a window, then from zero again', async () => {
      const bucket = `client:${ctx.newHost()}`;
      expect(await ctx.bus.logins.countAttempt(bucket, 1, 300)).toBe(1);
      expect(await ctx.bus.logins.countAttempt(bucket, 1, 300)).toBe(2);
      expect(await ctx.bus.logins.countAttempt(bucket, -1, 300)).toBe(1);
      // Another bucket, even one whose name only differs by what encoding removes, is its own.
      expect(await ctx.bus.logins.countAttempt(`${bucket}:`, 1, 300)).toBe(1);
      expect(await ctx.bus.logins.countAttempt(`${bucket}%3A`, 1, 300)).toBe(1);
      await waitFor(async () => (await ctx.bus.logins.countAttempt(bucket, 0, 300)) === 0, {
        timeoutMs: 5_000,
      });
    });

    it('keeps the first expiry of a counter: further attempts do not extend the window', async () => {
      const bucket = `client:${ctx.newHost()}`;
      await ctx.bus.logins.countAttempt(bucket, 1, 200);
      // Counting on (with a long window) must not keep the counter alive past the first window.
      await waitFor(async () => (await ctx.bus.logins.countAttempt(bucket, 1, 60_000)) === 1, {
        timeoutMs: 5_000,
      });
    });

    it('fails, and counts nothing, on a counter that is not a number', async () => {
      const bucket = `client:${ctx.newHost()}`;
      await ctx.raw.set(RedisKeys.loginAttempts(bucket), 'many');
      await expect(ctx.bus.logins.countAttempt(bucket, 1, 60_000)).rejects.toThrow();
    });
  });
}
