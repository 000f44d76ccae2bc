/// <reference types="jest" />
import { RedisKeys, type AuditEvent } from '@flotilla/contracts';
import { AUDIT_PAGE } from '../common/audit-records';
import type { ContractContext } from './contract-context';

const record = (user: string, n: number): AuditEvent => ({
  kind: 'restart',
  user,
  at: new Date(1_700_000_000_000 + n).toISOString(),
  ok: n % 2 === 0,
  error: n % 2 === 0 ? null : 'forbidden',
  host_id: 'h-1',
  container_id: `c-${n}`,
});

/** The audit stream is one key for the whole bus: each test lists only its own users. */
export function auditContract(ctx: ContractContext): void {
  describe('audit', () => {
    it('lists the newest records that pass the filter, newest first, with their ids', async () => {
      const user = `u-${ctx.newHost()}`;
      const other = `u-${ctx.newHost()}`;
      const ids: string[] = [];
      for (let n = 0; n < 5; n++) {
        ids.push(await ctx.bus.audit.append(record(user, n)));
        await ctx.bus.audit.append(record(other, n));
      }
      const mine = (r: AuditEvent) => r.user === user;
      const listed = await ctx.bus.audit.list(3, mine);
      expect(listed).toEqual([4, 3, 2].map((n, i) => ({ ...record(user, n), id: ids[4 - i] })));
      expect(await ctx.bus.audit.list(100, mine)).toHaveLength(5);
      expect(await ctx.bus.audit.list(100, (r) => r.user === 'nobody-at-all')).toEqual([]);
    });

    it('lists within a time window by the time the records were stored', async () => {
      const user = `u-${ctx.newHost()}`;
      const ids: string[] = [];
      for (let n = 0; n < 4; n++) ids.push(await ctx.bus.audit.append(record(user, n)));
      const ms = ids.map((id) => Number(id.split('-')[0]));
      const mine = (r: AuditEvent) => r.user === user;
      const all = await ctx.bus.audit.window(ms[0], ms[3], 100, mine);
      expect(all.map((r) => r.id)).toEqual([...ids].reverse());
      expect((await ctx.bus.audit.window(ms[0], ms[3], 1, mine)).map((r) => r.id)).toEqual([
        ids[3],
      ]);
      const expected = ids.filter((_, i) => ms[i] >= ms[1] && ms[i] <= ms[2]).reverse();
      expect((await ctx.bus.audit.window(ms[1], ms[2], 100, mine)).map((r) => r.id)).toEqual(
        expected,
      );
      expect(await ctx.bus.audit.window(0, ms[0] - 1, 100, mine)).toEqual([]);
      expect(await ctx.bus.audit.window(ms[3] + 1, ms[3] + 60_000, 100, mine)).toEqual([]);
    });

    it('pages back through more entries than one read returns', async () => {
      const early = `u-${ctx.newHost()}`;
      const late = `u-${ctx.newHost()}`;
      for (let n = 0; n < 3; n++) await ctx.bus.audit.append(record(early, n));
      await Promise.all(
        Array.from({ length: AUDIT_PAGE + 10 }, (_, n) => ctx.bus.audit.append(record(late, n))),
      );
      const listed = await ctx.bus.audit.list(10, (r) => r.user === early);
      expect(listed.map((r) => r.container_id)).toEqual(['c-2', 'c-1', 'c-0']);
    });

    it('skips entries that are not valid records', async () => {
      const user = `u-${ctx.newHost()}`;
      const id = await ctx.bus.audit.append(record(user, 0));
      await ctx.raw.xadd(RedisKeys.audit, '*', { e: 'not json' });
      await ctx.raw.xadd(RedisKeys.audit, '*', {
        e: JSON.stringify({ ...record(user, 1), kind: 'rm -rf' }),
      });
      await ctx.raw.xadd(RedisKeys.audit, '*', {
        e: JSON.stringify({ ...record(user, 2), ok: 'yes' }),
      });
      await ctx.raw.xadd(RedisKeys.audit, '*', { d: JSON.stringify(record(user, 3)) });
      expect(await ctx.bus.audit.list(1, () => true)).toEqual([{ ...record(user, 0), id }]);
    });
  });
}
