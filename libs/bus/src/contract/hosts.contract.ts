/// <reference types="jest" />
import { RedisKeys } from '@flotilla/contracts';
import { HEARTBEAT_TTL_MS, waitFor, type ContractContext } from './contract-context';
import { sampleHost } from '../test-support/samples';

export function hostsContract(ctx: ContractContext): void {
  describe('hosts', () => {
    it('lists announced hosts, online while their heartbeat lives', async () => {
      const [a, b] = [ctx.newHost(), ctx.newHost()];
      await ctx.bus.hosts.announce(sampleHost(a));
      await ctx.bus.hosts.announce(sampleHost(b));
      await ctx.bus.hosts.beat(a);
      const listed = await ctx.bus.hosts.list();
      const byId = new Map(listed.map((h) => [h.host_id, h]));
      expect(byId.get(a)).toMatchObject({ host_id: a, online: true, agent_version: '0.1.0' });
      expect(Date.parse(byId.get(a)?.last_seen ?? '')).not.toBeNaN();
      expect(byId.get(b)).toMatchObject({ online: false, last_seen: null });
      expect(await ctx.bus.hosts.get(a)).toEqual(byId.get(a));
      expect(await ctx.bus.hosts.get(ctx.newHost())).toBeNull();
    });

    it('shows a host offline once its heartbeat expires', async () => {
      const host = ctx.newHost();
      await ctx.bus.hosts.announce(sampleHost(host));
      await ctx.bus.hosts.beat(host);
      expect((await ctx.bus.hosts.get(host))?.online).toBe(true);
      await waitFor(async () => (await ctx.bus.hosts.get(host))?.online === false, {
        timeoutMs: HEARTBEAT_TTL_MS * 4,
        message: 'heartbeat expiry',
      });
    });

    it('marks a host offline at once and says so on its event stream', async () => {
      const host = ctx.newHost();
      const info = sampleHost(host);
      await ctx.bus.hosts.announce(info);
      await ctx.bus.hosts.beat(host);
      await ctx.bus.hosts.markOffline(info);
      expect(await ctx.bus.hosts.get(host)).toMatchObject({ online: false, last_seen: null });
      const events = await ctx.bus.events.range(host, '0-0', 10);
      expect(events.map((e) => e.value)).toEqual([
        { v: 1, type: 'host', host: info, online: false },
      ]);
    });

    it('skips and reports a corrupt host info', async () => {
      const [good, bad] = [ctx.newHost(), ctx.newHost()];
      await ctx.bus.hosts.announce(sampleHost(good));
      await ctx.bus.hosts.announce(sampleHost(bad));
      await ctx.raw.set(RedisKeys.hostInfo(bad), '{"host_id":');
      expect(await ctx.bus.hosts.get(bad)).toBeNull();
      const ids = (await ctx.bus.hosts.list()).map((h) => h.host_id);
      expect(ids).toContain(good);
      expect(ids).not.toContain(bad);
      expect(ctx.logger.mentions(RedisKeys.hostInfo(bad))).toBe(true);
    });
  });
}
