/// <reference types="jest" />
import { RedisKeys, STREAM_CAPS } from '@flotilla/contracts';
import { sampleExit } from '@flotilla/contracts/testing';
import { JSON_FIELD } from '../codecs';
import type { RecordRejection } from '../ports';
import type { ContractContext } from './contract-context';
import { containerId } from '../../testing/samples';

export function exitsContract(ctx: ContractContext): void {
  describe('exits', () => {
    it('lists a host’s records newest first, filtered and limited', async () => {
      const host = ctx.newHost();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const container_id = containerId(i % 2 === 0 ? 1 : 2);
        ids.push(
          await ctx.bus.exits.append(sampleExit({ host_id: host, container_id, restart_count: i })),
        );
      }
      const all = await ctx.bus.exits.list(host, 10);
      expect(all.map((e) => e.id)).toEqual([...ids].reverse());
      const ofFirst = await ctx.bus.exits.list(host, 2, (r) => r.container_id === containerId(1));
      expect(ofFirst.map((e) => e.value.restart_count)).toEqual([4, 2]);
      expect(await ctx.bus.exits.list(ctx.newHost(), 10)).toEqual([]);
    });

    it('keeps about STREAM_CAPS.exits records, the newest', async () => {
      const host = ctx.newHost();
      const total = STREAM_CAPS.exits + 300;
      for (let i = 0; i < total; i += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, j) =>
            ctx.bus.exits.append(sampleExit({ host_id: host, lines: [], restart_count: i + j })),
          ),
        );
      }
      const kept = await ctx.bus.exits.list(host, total);
      expect(kept.length).toBeGreaterThanOrEqual(STREAM_CAPS.exits);
      expect(kept.length).toBeLessThan(total);
      expect(kept[0].value.restart_count).toBe(total - 1);
    });

    it('drops records naming another host, and invalid ones, and reports them', async () => {
      const [own, other] = [ctx.newHost(), ctx.newHost()];
      const rejections: RecordRejection[] = [];
      const stop = ctx.bus.records.onRejected((r) => rejections.push(r));
      try {
        const key = RedisKeys.exits(own);
        const good = await ctx.bus.exits.append(sampleExit({ host_id: own }));
        // What a compromised agent of `own` could write into its own stream.
        await ctx.raw.xadd(key, '*', {
          [JSON_FIELD]: JSON.stringify(sampleExit({ host_id: other, exit_code: 137 })),
        });
        await ctx.raw.xadd(key, '*', {
          [JSON_FIELD]: JSON.stringify({ ...sampleExit({ host_id: own }), lines: 'x' }),
        });
        const listed = await ctx.bus.exits.list(own, 10);
        expect(listed.map((e) => e.id)).toEqual([good]);
        expect(rejections.map((r) => [r.hostId, r.reason, r.key])).toEqual([
          [own, 'invalid', key],
          [own, 'foreign_host', key],
        ]);
        expect(await ctx.bus.exits.list(other, 10)).toEqual([]);
      } finally {
        stop();
      }
    });
  });
}
