/// <reference types="jest" />
import { waitFor, type ContractContext } from './contract-context';
import { containerId } from '../../testing/samples';

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

    it('tells the bus clock in epoch ms', async () => {
      const first = await ctx.bus.time();
      const second = await ctx.bus.time();
      expect(Number.isInteger(first)).toBe(true);
      // Same machine in tests: the bus clock and this process's agree to within a few seconds.
      expect(Math.abs(first - Date.now())).toBeLessThan(5_000);
      expect(second).toBeGreaterThanOrEqual(first);
    });

    it("measures expiry on the bus clock, whatever the caller's clock says", async () => {
      const host = ctx.newHost();
      const realNow = Date.now.bind(Date);
      const skewed = (offsetMs: number) =>
        jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
      try {
        // The holder's clock is right; an agent 15 s ahead still sees its 10 s lease.
        await ctx.bus.leases.acquire('logs', host, containerId(1), 'gw-a', 10_000);
        skewed(15_000);
        expect(await ctx.bus.leases.active('logs', host)).toEqual([containerId(1)]);
        // An agent 15 s behind does not keep a lease the bus says is over.
        jest.restoreAllMocks();
        await ctx.bus.leases.acquire('stats', host, containerId(2), 'gw-a', 100);
        skewed(-15_000);
        await waitFor(async () => (await ctx.bus.leases.active('stats', host)).length === 0, {
          timeoutMs: 2_000,
          message: 'lease expiry on the bus clock',
        });
        // A holder 15 s behind still gets a lease that lives its whole TTL.
        await ctx.bus.leases.acquire('stats', host, containerId(3), 'gw-b', 10_000);
        jest.restoreAllMocks();
        expect(await ctx.bus.leases.active('stats', host)).toEqual([containerId(3)]);
      } finally {
        jest.restoreAllMocks();
      }
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
