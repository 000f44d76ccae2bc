/// <reference types="jest" />
import { waitFor, type ContractContext } from './contract-context';
import { containerId } from '../test-support/samples';

export function leasesContract(ctx: ContractContext): void {
  describe('leases', () => {
    it('reports each leased container once, until every holder released it', async () => {
      const host = ctx.newHost();
      await ctx.bus.leases.acquire('logs', host, containerId(1), 'gw-a', 10_000);
      await ctx.bus.leases.acquire('logs', host, containerId(1), 'gw-b', 10_000);
      await ctx.bus.leases.acquire('logs', host, containerId(2), 'gw-a', 10_000);
      expect((await ctx.bus.leases.active('logs', host)).sort()).toEqual([
        containerId(1),
        containerId(2),
      ]);
      expect(await ctx.bus.leases.active('stats', host)).toEqual([]);
      await ctx.bus.leases.release('logs', host, containerId(1), 'gw-a');
      expect((await ctx.bus.leases.active('logs', host)).sort()).toEqual([
        containerId(1),
        containerId(2),
      ]);
      await ctx.bus.leases.release('logs', host, containerId(1), 'gw-b');
      expect(await ctx.bus.leases.active('logs', host)).toEqual([containerId(2)]);
    });

    it('lets a lease expire unless renewed', async () => {
      const host = ctx.newHost();
      await ctx.bus.leases.acquire('stats', host, containerId(1), 'gw-a', 100);
      await ctx.bus.leases.acquire('stats', host, containerId(2), 'gw-a', 10_000);
      expect((await ctx.bus.leases.active('stats', host)).sort()).toEqual([
        containerId(1),
        containerId(2),
      ]);
      await waitFor(async () => (await ctx.bus.leases.active('stats', host)).length === 1, {
        timeoutMs: 2_000,
        message: 'lease expiry',
      });
      expect(await ctx.bus.leases.active('stats', host)).toEqual([containerId(2)]);
    });

    it('wakes the host subscribers when a lease is acquired, until they stop', async () => {
      const host = ctx.newHost();
      let stoppedCalls = 0;
      const stop = await ctx.bus.leases.onWake(host, () => stoppedCalls++);
      let woken!: () => void;
      const wake = new Promise<void>((resolve) => (woken = resolve));
      const stopOther = await ctx.bus.leases.onWake(host, () => woken());
      await stop();
      await ctx.bus.leases.acquire('logs', host, containerId(1), 'gw-a', 10_000);
      await wake;
      expect(stoppedCalls).toBe(0);
      await stopOther();
    });
  });
}
