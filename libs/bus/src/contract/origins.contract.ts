/// <reference types="jest" />
import { RedisKeys, type FleetEvent } from '@flotilla/contracts';
import { JSON_FIELD } from '../codecs';
import type { RecordRejection } from '../ports';
import { containerEvent, waitFor, type ContractContext } from './contract-context';
import {
  containerId,
  replyTo,
  sampleContainer,
  sampleHost,
  sampleRequest,
  sampleStats,
} from '../../testing/samples';

/**
 * A record's host is the key it was read from. What a host's agent writes into its own keys
 * naming another host (or, in a per-container key, another container) is dropped by every read,
 * reported to `records.onRejected` and logged once per host.
 */
export function originsContract(ctx: ContractContext): void {
  describe('record origins', () => {
    let rejections: RecordRejection[] = [];
    let stop: (() => void) | undefined;
    beforeEach(() => {
      rejections = [];
      stop = ctx.bus.records.onRejected((r) => rejections.push(r));
    });
    afterEach(() => stop?.());

    const json = (value: unknown): Record<string, string> => ({
      [JSON_FIELD]: JSON.stringify(value),
    });
    const reasons = (hostId: string): string[] =>
      rejections.filter((r) => r.hostId === hostId).map((r) => r.reason);

    it('drops events naming another host from ranges and followed entries', async () => {
      const [own, other] = [ctx.newHost(), ctx.newHost()];
      const key = RedisKeys.events(own);
      const good = await ctx.bus.events.append(own, containerEvent(own, 1, 1));
      const forged: FleetEvent[] = [
        containerEvent(other, 1, 1e15),
        { v: 1, type: 'host', host: sampleHost(other), online: false },
      ];
      for (const event of forged) await ctx.raw.xadd(key, '*', json(event));
      const last = await ctx.bus.events.append(own, containerEvent(own, 1, 2));
      expect((await ctx.bus.events.range(own, '0-0', 10)).map((e) => e.id)).toEqual([good, last]);

      const followed: string[] = [];
      ctx
        .follow((_key, entries) => {
          for (const e of ctx.bus.records.events(own, entries)) followed.push(e.id);
        })
        .follow(key, '0-0');
      await waitFor(() => followed.length === 2);
      expect(followed).toEqual([good, last]);
      expect(reasons(own)).toEqual([
        'foreign_host',
        'foreign_host',
        'foreign_host',
        'foreign_host',
      ]);
      expect(rejections[0]).toMatchObject({ key, hostId: own });
      expect(reasons(other)).toEqual([]);
    });

    it('logs the first rejected record of a host only', async () => {
      const host = ctx.newHost();
      const key = RedisKeys.events(host);
      const first = await ctx.raw.xadd(key, '*', json(containerEvent(ctx.newHost(), 1, 1)));
      const second = await ctx.raw.xadd(key, '*', { d: 'not json' });
      expect(await ctx.bus.events.range(host, '0-0', 10)).toEqual([]);
      expect(await ctx.bus.events.range(host, '0-0', 10)).toEqual([]);
      expect(reasons(host)).toEqual(['foreign_host', 'invalid', 'foreign_host', 'invalid']);
      expect(ctx.logger.messages.filter((m) => m.includes(key))).toHaveLength(1);
      expect(ctx.logger.mentions(first)).toBe(true);
      expect(ctx.logger.mentions(second)).toBe(false);
    });

    it('drops snapshot containers naming another host or another id than their field', async () => {
      const [own, other] = [ctx.newHost(), ctx.newHost()];
      const key = RedisKeys.snapshot(own);
      await ctx.bus.snapshots.replace(own, [sampleContainer(own, 1)]);
      await ctx.raw.hset(key, containerId(2), JSON.stringify(sampleContainer(other, 2)));
      await ctx.raw.hset(key, containerId(3), JSON.stringify(sampleContainer(own, 4)));
      const listed = (await ctx.bus.snapshots.list(own)).map((c) => c.container_id);
      expect(listed).toEqual([containerId(1)]);
      const at = await ctx.bus.events.snapshotAt(own);
      expect(at.containers.map((c) => c.container_id)).toEqual([containerId(1)]);
      expect(await ctx.bus.snapshots.get(own, containerId(2))).toBeNull();
      expect(await ctx.bus.snapshots.get(own, containerId(3))).toBeNull();
      expect(new Set(reasons(own))).toEqual(new Set(['foreign_host', 'foreign_container']));
    });

    it('drops host info naming another host', async () => {
      const [own, other] = [ctx.newHost(), ctx.newHost()];
      // What a gateway runs: it keeps the host set from the agents' announcements.
      const stopTracking = await ctx.bus.hosts.track();
      try {
        await ctx.bus.hosts.announce(sampleHost(own));
        await ctx.bus.hosts.announce(sampleHost(other));
        const listed = async () => (await ctx.bus.hosts.list()).map((h) => h.host_id);
        await waitFor(
          async () => (await listed()).includes(own) && (await listed()).includes(other),
        );
        await ctx.raw.set(RedisKeys.hostInfo(own), JSON.stringify(sampleHost(other)));
        expect(await ctx.bus.hosts.get(own)).toBeNull();
        const after = await listed();
        expect(after.filter((id) => id === other)).toEqual([other]);
        expect(after).not.toContain(own);
        expect(reasons(own)).toContain('foreign_host');
      } finally {
        await stopTracking();
      }
    });

    it('drops stats samples naming another host or container than their key', async () => {
      const [own, other] = [ctx.newHost(), ctx.newHost()];
      const key = RedisKeys.stats(own, containerId(1));
      await ctx.bus.stats.append(sampleStats(own, 1, 1));
      await ctx.raw.xadd(key, '*', json(sampleStats(other, 1, 2)));
      await ctx.raw.xadd(key, '*', json(sampleStats(own, 2, 3)));
      const latest = await ctx.bus.stats.latest(own, containerId(1), 10);
      expect(latest.map((s) => s.value.cpu_percent)).toEqual([1]);
      expect(reasons(own)).toEqual(['foreign_host', 'foreign_container']);
    });

    it('drops replies naming another host: they settle no wait', async () => {
      const [own, other] = [ctx.newHost(), ctx.newHost()];
      const request = sampleRequest(own);
      const position = await ctx.bus.commands.send(request);
      const forged = replyTo(request, { host_id: other, ok: false, error: 'forged' });
      await ctx.raw.xadd(RedisKeys.replies(own), '*', json(forged));
      expect(await ctx.bus.commands.awaitReply(own, request.request_id, 300, position)).toBeNull();
      await ctx.bus.commands.reply(replyTo(request));
      expect(
        await ctx.bus.commands.awaitReply(own, request.request_id, 3_000, position),
      ).toMatchObject({ ok: true, host_id: own });
      expect(reasons(own)).toContain('foreign_host');
    });

    it('keeps a container whose fields are only too long, clamped and marked truncated', async () => {
      const host = ctx.newHost();
      const long = sampleContainer(host, 1, {
        labels: { note: 'x'.repeat(5_000), ['k'.repeat(300)]: 'v', team: 'shop' },
        ports: Array.from({ length: 1_100 }, (_, i) => ({
          private_port: i,
          public_port: null,
          type: 'tcp' as const,
          ip: null,
        })),
      });
      await ctx.raw.hset(RedisKeys.snapshot(host), containerId(1), JSON.stringify(long));
      await ctx.raw.xadd(
        RedisKeys.events(host),
        '*',
        json({ v: 1, type: 'container', container: long }),
      );
      const [fromSnapshot] = await ctx.bus.snapshots.list(host);
      const [fromEvents] = await ctx.bus.events.range(host, '0-0', 10);
      for (const container of [
        fromSnapshot,
        fromEvents.value.type === 'container' ? fromEvents.value.container : null,
      ]) {
        expect(container).toMatchObject({ container_id: containerId(1), truncated: true });
        expect(container?.labels.note).toHaveLength(4_096);
        expect(Object.keys(container?.labels ?? {}).sort()).toEqual(['note', 'team']);
        expect(container?.ports).toHaveLength(1_024);
      }
      expect(reasons(host)).toEqual([]);
    });
  });
}
