/// <reference types="jest" />
import { randomUUID } from 'node:crypto';
import { RedisKeys, type Pin } from '@flotilla/contracts';
import type { ContractContext } from './contract-context';

const CONTAINER = 'c'.repeat(64);
const OTHER = 'd'.repeat(64);

function pin(hostId: string, ts: string, note = 'look here'): Pin {
  return {
    id: randomUUID(),
    host_id: hostId,
    container_id: CONTAINER,
    ts,
    line_no: 7,
    line: 'ERROR <b>boom</b>',
    note,
    user: 'alice',
    created_at: new Date().toISOString(),
  };
}

export function pinsContract(ctx: ContractContext): void {
  describe('pins', () => {
    it('lists a container’s pins by line time, each removed once', async () => {
      const host = ctx.newHost();
      const late = pin(host, '2026-01-02T03:04:06.000000001Z');
      const early = pin(host, '2026-01-02T03:04:05.999999999Z');
      expect(await ctx.bus.pins.add(late, 100)).toBe(true);
      expect(await ctx.bus.pins.add(early, 100)).toBe(true);
      expect(await ctx.bus.pins.list(host, CONTAINER)).toEqual([early, late]);
      expect(await ctx.bus.pins.list(host, OTHER)).toEqual([]);
      expect(await ctx.bus.pins.remove(host, CONTAINER, early.id)).toBe(true);
      expect(await ctx.bus.pins.remove(host, CONTAINER, early.id)).toBe(false);
      expect(await ctx.bus.pins.list(host, CONTAINER)).toEqual([late]);
    });

    it('refuses a pin beyond the cap and stores nothing, even when pins race for the last place', async () => {
      const host = ctx.newHost();
      for (let i = 0; i < 3; i++)
        expect(await ctx.bus.pins.add(pin(host, `2026-01-02T03:04:0${i}Z`), 4)).toBe(true);
      const racing = [pin(host, '2026-01-02T03:05:00Z'), pin(host, '2026-01-02T03:05:01Z')];
      const added = await Promise.all(racing.map((p) => ctx.bus.pins.add(p, 4)));
      expect(added.filter(Boolean)).toHaveLength(1);
      expect(await ctx.bus.pins.add(pin(host, '2026-01-02T03:06:00Z'), 4)).toBe(false);
      expect(await ctx.bus.pins.list(host, CONTAINER)).toHaveLength(4);
    });

    it('skips (and logs) a stored value that does not validate or names another container', async () => {
      const host = ctx.newHost();
      const good = pin(host, '2026-01-02T03:04:05Z');
      await ctx.bus.pins.add(good, 100);
      const key = RedisKeys.pins(host, CONTAINER);
      const forged = randomUUID();
      await ctx.raw.hset(key, forged, JSON.stringify({ ...pin(host, 'yesterday'), id: forged }));
      const moved = { ...pin(host, '2026-01-02T03:04:05Z'), container_id: OTHER };
      await ctx.raw.hset(key, moved.id, JSON.stringify(moved));
      expect(await ctx.bus.pins.list(host, CONTAINER)).toEqual([good]);
      expect(
        ctx.logger.mentions(`pin ${forged} of ${host}/${CONTAINER.slice(0, 12)} dropped`),
      ).toBe(true);
      expect(
        ctx.logger.mentions(`pin ${moved.id} of ${host}/${CONTAINER.slice(0, 12)} dropped`),
      ).toBe(true);
    });
  });
}
