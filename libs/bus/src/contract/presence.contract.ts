/// <reference types="jest" />
import { RedisKeys, type PresenceRecord } from '@flotilla/contracts';
import type { PresenceTargets, ReplicaPresence } from '../ports';
import { waitFor, type ContractContext } from './contract-context';

const CONTAINER = 'c'.repeat(64);

function targets(hostId: string, user: string | null): PresenceTargets {
  return [
    {
      target: { kind: 'container', host_id: hostId, container_id: CONTAINER },
      viewers: [{ user, sockets: 2 }],
    },
  ];
}

/** The records of this test's replicas only: other tests' replicas share the hash. */
async function mine(ctx: ContractContext, replicas: string[]): Promise<ReplicaPresence[]> {
  const all = await ctx.bus.presence.list();
  return all
    .filter((r) => replicas.includes(r.replica))
    .sort((a, b) => a.replica.localeCompare(b.replica));
}

export function presenceContract(ctx: ContractContext): void {
  describe('presence', () => {
    it("lists every replica's record, each replaced whole by its next publish", async () => {
      const host = ctx.newHost();
      const [a, b] = [`r-${host}-a`, `r-${host}-b`];
      await ctx.bus.presence.publish(a, targets(host, 'alice'), 60_000);
      await ctx.bus.presence.publish(b, targets(host, null), 60_000);
      expect(await mine(ctx, [a, b])).toEqual([
        { replica: a, targets: targets(host, 'alice') },
        { replica: b, targets: targets(host, null) },
      ]);
      await ctx.bus.presence.publish(a, [], 60_000);
      expect(await mine(ctx, [a, b])).toEqual([
        { replica: a, targets: [] },
        { replica: b, targets: targets(host, null) },
      ]);
      await ctx.bus.presence.withdraw(a);
      await ctx.bus.presence.withdraw(b);
      expect(await mine(ctx, [a, b])).toEqual([]);
    });

    it('drops a record whose replica stopped renewing it once its time is up', async () => {
      const host = ctx.newHost();
      const [dead, alive] = [`r-${host}-dead`, `r-${host}-alive`];
      await ctx.bus.presence.publish(dead, targets(host, 'bob'), 150);
      await ctx.bus.presence.publish(alive, targets(host, 'carol'), 60_000);
      await waitFor(async () => (await mine(ctx, [dead, alive])).length === 1, {
        timeoutMs: 5_000,
      });
      expect((await mine(ctx, [dead, alive]))[0].replica).toBe(alive);
      await ctx.bus.presence.withdraw(alive);
    });

    it('skips a record that does not validate (and logs it) and one long expired', async () => {
      const host = ctx.newHost();
      const [forged, stale, good] = [`r-${host}-forged`, `r-${host}-stale`, `r-${host}-good`];
      const bad: unknown = {
        expires_at: Number.MAX_SAFE_INTEGER,
        targets: [
          {
            target: { kind: 'container', host_id: 'h{x}', container_id: 'nope' },
            viewers: [{ user: 'mallory', sockets: 1 }],
          },
        ],
      };
      const old: PresenceRecord = { expires_at: 1, targets: targets(host, 'dave') };
      await ctx.raw.hset(RedisKeys.presence, forged, JSON.stringify(bad));
      await ctx.raw.hset(RedisKeys.presence, stale, JSON.stringify(old));
      await ctx.bus.presence.publish(good, targets(host, 'erin'), 60_000);
      expect(await mine(ctx, [forged, stale, good])).toEqual([
        { replica: good, targets: targets(host, 'erin') },
      ]);
      expect(ctx.logger.mentions(`presence record of replica ${forged} dropped`)).toBe(true);
      await ctx.bus.presence.withdraw(forged);
      await ctx.bus.presence.withdraw(good);
      expect(await mine(ctx, [forged, stale, good])).toEqual([]);
    });
  });
}
