/// <reference types="jest" />
import type { ContractContext } from './contract-context';
import { containerId, sampleStats } from '../../testing/samples';

export function statsContract(ctx: ContractContext): void {
  describe('stats', () => {
    it('returns the newest samples oldest first, and caps the stream', async () => {
      const host = ctx.newHost();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await ctx.bus.stats.append(sampleStats(host, 3, i)));
      const latest = await ctx.bus.stats.latest(host, containerId(3), 3);
      expect(latest.map((s) => s.id)).toEqual(ids.slice(2));
      expect(latest.map((s) => s.value.cpu_percent)).toEqual([2, 3, 4]);
      expect(await ctx.bus.stats.latest(host, containerId(4), 3)).toEqual([]);
    });

    it('keeps about STREAM_CAPS.statsEntries samples', async () => {
      const host = ctx.newHost();
      await Promise.all(
        Array.from({ length: 420 }, (_, i) => ctx.bus.stats.append(sampleStats(host, 3, i))),
      );
      const kept = await ctx.bus.stats.latest(host, containerId(3), 1_000);
      expect(kept.length).toBeGreaterThanOrEqual(300);
      expect(kept.length).toBeLessThan(420);
      expect(kept[kept.length - 1].value.cpu_percent).toBe(419);
    });
  });
}
