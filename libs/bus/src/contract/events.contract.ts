/// <reference types="jest" />
import { RedisKeys } from '@flotilla/contracts';
import { compareStreamIds, timeOfStreamId } from '../common/stream-ids';
import { containerEvent, type ContractContext } from './contract-context';
import { containerId, sampleContainer } from '../../testing/samples';

export function eventsContract(ctx: ContractContext): void {
  describe('events', () => {
    it('appends with increasing ids and ranges after an exclusive id', async () => {
      const host = ctx.newHost();
      const ids: string[] = [];
      for (let i = 1; i <= 5; i++)
        ids.push(await ctx.bus.events.append(host, containerEvent(host, 1, i)));
      expect([...ids].sort(compareStreamIds)).toEqual(ids);
      expect(new Set(ids).size).toBe(5);

      const all = await ctx.bus.events.range(host, '0-0', 100);
      expect(all.map((e) => e.id)).toEqual(ids);
      const after = await ctx.bus.events.range(host, ids[1], 2);
      expect(after.map((e) => e.id)).toEqual([ids[2], ids[3]]);
      expect(after[0].value).toEqual(containerEvent(host, 1, 3));
      expect(await ctx.bus.events.range(host, ids[4], 10)).toEqual([]);
    });

    it('pairs the snapshot with the position of the newest event', async () => {
      const host = ctx.newHost();
      expect(await ctx.bus.events.snapshotAt(host)).toEqual({ containers: [], position: '0-0' });
      await ctx.bus.snapshots.replace(host, [sampleContainer(host, 1)]);
      await ctx.bus.events.append(host, containerEvent(host, 1, 1));
      const last = await ctx.bus.events.append(host, containerEvent(host, 1, 2));
      const at = await ctx.bus.events.snapshotAt(host);
      expect(at.position).toBe(last);
      expect(at.containers.map((c) => c.container_id)).toEqual([containerId(1)]);
    });

    it('reads the newest events of a time window, oldest first, bounded by count', async () => {
      const host = ctx.newHost();
      const ids: string[] = [];
      for (let i = 1; i <= 6; i++)
        ids.push(await ctx.bus.events.append(host, containerEvent(host, 1, i)));
      const ms = ids.map(timeOfStreamId);
      const inside = (from: number, to: number) =>
        ids.filter((_, i) => ms[i] >= from && ms[i] <= to);

      const all = await ctx.bus.events.window(host, ms[0], ms[5], 100);
      expect(all.map((e) => e.id)).toEqual(ids);
      expect(all[5].value).toEqual(containerEvent(host, 1, 6));
      const newest = await ctx.bus.events.window(host, ms[0], ms[5], 2);
      expect(newest.map((e) => e.id)).toEqual([ids[4], ids[5]]);
      const middle = await ctx.bus.events.window(host, ms[1], ms[4], 100);
      expect(middle.map((e) => e.id)).toEqual(inside(ms[1], ms[4]));
      expect(await ctx.bus.events.window(host, 0, ms[0] - 1, 10)).toEqual([]);
      expect(await ctx.bus.events.window(host, ms[5] + 1, ms[5] + 10_000, 10)).toEqual([]);
      expect(await ctx.bus.events.window(ctx.newHost(), 0, ms[5], 10)).toEqual([]);
    });

    it('drops a record naming another host from a window read', async () => {
      const host = ctx.newHost();
      const first = await ctx.bus.events.append(host, containerEvent(host, 1, 1));
      const forged = await ctx.raw.xadd(RedisKeys.events(host), '*', {
        d: JSON.stringify(containerEvent(ctx.newHost(), 1, 2)),
      });
      const read = await ctx.bus.events.window(host, 0, timeOfStreamId(forged), 10);
      expect(read.map((e) => e.id)).toEqual([first]);
    });

    it('skips and reports a corrupt event', async () => {
      const host = ctx.newHost();
      const first = await ctx.bus.events.append(host, containerEvent(host, 1, 1));
      const bad = await ctx.raw.xadd(RedisKeys.events(host), '*', {
        d: '{"v":1,"type":"nope"}',
      });
      const last = await ctx.bus.events.append(host, containerEvent(host, 1, 2));
      expect((await ctx.bus.events.range(host, '0-0', 10)).map((e) => e.id)).toEqual([first, last]);
      expect(ctx.logger.mentions(bad)).toBe(true);
    });
  });
}
