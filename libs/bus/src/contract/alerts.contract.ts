/// <reference types="jest" />
import { RedisKeys, type AlertFiring, type AlertRule } from '@flotilla/contracts';
import { waitFor, type ContractContext } from './contract-context';

function rule(id: string, name = `rule ${id}`): AlertRule {
  return {
    id,
    name,
    enabled: true,
    match: { container: 'web-*' },
    trigger: { kind: 'exit_nonzero' },
    webhook_url: 'http://127.0.0.1:9/hook',
    cooldown_seconds: 60,
    updated_by: 'root',
    updated_at: new Date().toISOString(),
  };
}

function firing(hostId: string, eventId: string): AlertFiring {
  return {
    rule_id: 'r1',
    rule_name: 'rule r1',
    kind: 'exit_nonzero',
    host_id: hostId,
    at: new Date().toISOString(),
    event_id: eventId,
    text: 'web-1 exited with code 1',
    status: 'delivered',
    attempts: 1,
    http_status: 200,
    error: null,
  };
}

export function alertsContract(ctx: ContractContext): void {
  describe('alerts', () => {
    const run = Math.random().toString(36).slice(2, 8);
    const id = (n: number) => `${run}-${n}`;

    it('stores, replaces and deletes rules that every bus client reads', async () => {
      await ctx.bus.alerts.putRule(rule(id(2)));
      await ctx.bus.alerts.putRule(rule(id(1)));
      await ctx.bus.alerts.putRule(rule(id(1), 'renamed'));
      const mine = (await ctx.bus.alerts.rules()).filter((r) => r.id.startsWith(run));
      expect(mine.map((r) => [r.id, r.name])).toEqual([
        [id(1), 'renamed'],
        [id(2), `rule ${id(2)}`],
      ]);
      expect(await ctx.bus.alerts.deleteRule(id(1))).toBe(true);
      expect(await ctx.bus.alerts.deleteRule(id(1))).toBe(false);
      expect((await ctx.bus.alerts.rules()).filter((r) => r.id.startsWith(run))).toHaveLength(1);
      await ctx.bus.alerts.deleteRule(id(2));
    });

    it('skips stored rules that do not validate or sit under another id', async () => {
      await ctx.raw.hset(RedisKeys.alertRules, id(3), '{"name":');
      await ctx.raw.hset(RedisKeys.alertRules, id(4), JSON.stringify(rule(id(5))));
      await ctx.bus.alerts.putRule(rule(id(6)));
      const mine = (await ctx.bus.alerts.rules()).filter((r) => r.id.startsWith(run));
      expect(mine.map((r) => r.id)).toEqual([id(6)]);
      for (const n of [3, 4, 6]) await ctx.bus.alerts.deleteRule(id(n));
    });

    it('grants a firing claim once, whoever asks, until it expires', async () => {
      const host = ctx.newHost();
      const claims = await Promise.all(
        [1, 2, 3].map(() => ctx.bus.alerts.claimFiring(id(7), host, '5-0', 10_000)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await ctx.bus.alerts.claimFiring(id(7), host, '6-0', 10_000)).toBe(true);
      expect(await ctx.bus.alerts.claimFiring(id(8), host, '5-0', 10_000)).toBe(true);
    });

    it('runs a cooldown per rule and subject for its TTL', async () => {
      const host = ctx.newHost();
      expect(await ctx.bus.alerts.startCooldown(id(9), host, 100)).toBe(true);
      expect(await ctx.bus.alerts.startCooldown(id(9), host, 100)).toBe(false);
      expect(await ctx.bus.alerts.startCooldown(id(10), host, 100)).toBe(true);
      await waitFor(() => ctx.bus.alerts.startCooldown(id(9), host, 100), {
        timeoutMs: 2_000,
        message: 'cooldown expiry',
      });
    });

    it('keeps the firing history newest first and skips entries that do not validate', async () => {
      const host = ctx.newHost();
      const first = await ctx.bus.alerts.appendFiring(firing(host, '1-0'));
      await ctx.raw.xadd(RedisKeys.alertFirings, '*', { d: '{"rule_id":' });
      const second = await ctx.bus.alerts.appendFiring({
        ...firing(host, '2-0'),
        status: 'failed',
      });
      const listed = await ctx.bus.alerts.firings(3);
      expect(listed.map((f) => [f.id, f.event_id, f.status])).toEqual([
        [second, '2-0', 'failed'],
        [first, '1-0', 'delivered'],
      ]);
      expect(await ctx.bus.alerts.firings(1)).toHaveLength(1);
    });
  });
}
