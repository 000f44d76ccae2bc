/// <reference types="jest" />
import { RedisKeys } from '@flotilla/contracts';
import type { ContractContext } from './contract-context';
import { containerId, sampleContainer } from '../../testing/samples';

export function snapshotsContract(ctx: ContractContext): void {
  describe('snapshots', () => {
    it('replaces a snapshot wholly, upserts and reads single containers', async () => {
      const host = ctx.newHost();
      await ctx.bus.snapshots.replace(host, [sampleContainer(host, 1), sampleContainer(host, 2)]);
      await ctx.bus.snapshots.replace(host, [
        sampleContainer(host, 2, { revision: 2 }),
        sampleContainer(host, 3),
      ]);
      const ids = (await ctx.bus.snapshots.list(host)).map((c) => c.container_id).sort();
      expect(ids).toEqual([containerId(2), containerId(3)]);
      expect((await ctx.bus.snapshots.get(host, containerId(2)))?.revision).toBe(2);
      expect(await ctx.bus.snapshots.get(host, containerId(1))).toBeNull();

      await ctx.bus.snapshots.upsert(sampleContainer(host, 3, { state: 'exited', revision: 5 }));
      expect(await ctx.bus.snapshots.get(host, containerId(3))).toMatchObject({
        state: 'exited',
        revision: 5,
      });
      await ctx.bus.snapshots.replace(host, []);
      expect(await ctx.bus.snapshots.list(host)).toEqual([]);
    });

    it('skips and reports a corrupt container', async () => {
      const host = ctx.newHost();
      await ctx.bus.snapshots.replace(host, [sampleContainer(host, 1)]);
      await ctx.raw.hset(RedisKeys.snapshot(host), containerId(2), '{"state":"zombie"}');
      expect((await ctx.bus.snapshots.list(host)).map((c) => c.container_id)).toEqual([
        containerId(1),
      ]);
      expect(await ctx.bus.snapshots.get(host, containerId(2))).toBeNull();
      expect(ctx.logger.mentions(RedisKeys.snapshot(host))).toBe(true);
    });
  });
}
