/// <reference types="jest" />
import { RedisKeys, type FleetEvent } from '@flotilla/contracts';
import { waitFor, containerEvent, collector, type ContractContext } from './contract-context';

export function followerContract(ctx: ContractContext): void {
  describe('follower', () => {
    it('delivers many appends in order, each once', async () => {
      const host = ctx.newHost();
      const key = RedisKeys.events(host);
      const seen = collector();
      ctx.follow(seen.onEntries).follow(key, '0-0');
      const ids = await Promise.all(
        Array.from({ length: 600 }, (_, i) =>
          ctx.bus.events.append(host, containerEvent(host, 1, i + 1)),
        ),
      );
      await waitFor(() => seen.ids(key).length >= ids.length, { message: 'every entry' });
      expect(seen.ids(key)).toEqual(ids);
    });

    it('delivers decodable raw field maps', async () => {
      const host = ctx.newHost();
      const key = RedisKeys.events(host);
      const values: FleetEvent[] = [];
      ctx
        .follow((_k, entries) => {
          for (const e of ctx.bus.records.events(host, entries)) values.push(e.value);
        })
        .follow(key, '0-0');
      await ctx.bus.events.append(host, containerEvent(host, 1, 1));
      await waitFor(() => values.length === 1);
      expect(values[0]).toEqual(containerEvent(host, 1, 1));
    });

    it('picks up a stream followed while it waits on others', async () => {
      const [quiet, busy] = [ctx.newHost(), ctx.newHost()];
      const seen = collector();
      const follower = ctx.follow(seen.onEntries);
      follower.follow(RedisKeys.events(quiet), '0-0');
      const first = await ctx.bus.events.append(quiet, containerEvent(quiet, 1, 1));
      await waitFor(() => seen.ids(RedisKeys.events(quiet)).length === 1);
      // The follower is now blocked on `quiet` alone; `busy` must be served without waiting for the block to time out.
      follower.follow(RedisKeys.events(busy), '0-0');
      const id = await ctx.bus.events.append(busy, containerEvent(busy, 1, 1));
      await waitFor(() => seen.ids(RedisKeys.events(busy)).length === 1, { timeoutMs: 1_500 });
      expect(seen.ids(RedisKeys.events(busy))).toEqual([id]);
      expect(seen.ids(RedisKeys.events(quiet))).toEqual([first]);
    });

    it('picks up another stream of the same host while it waits on the first', async () => {
      // On a Redis Cluster both share the host's slot, so one blocked read serves both: adding
      // the second must interrupt it on the node that holds it.
      const host = ctx.newHost();
      const [events, replies] = [RedisKeys.events(host), RedisKeys.replies(host)];
      const seen = collector();
      const follower = ctx.follow(seen.onEntries);
      follower.follow(events, '0-0');
      await ctx.bus.events.append(host, containerEvent(host, 1, 1));
      await waitFor(() => seen.ids(events).length === 1);
      follower.follow(replies, '0-0');
      const id = await ctx.raw.xadd(replies, '*', { n: '1' });
      await waitFor(() => seen.ids(replies).length === 1, { timeoutMs: 1_500 });
      expect(seen.ids(replies)).toEqual([id]);
    });

    it('stops delivering an unfollowed stream, and re-reads from a moved cursor', async () => {
      const [a, b] = [ctx.newHost(), ctx.newHost()];
      const [keyA, keyB] = [RedisKeys.events(a), RedisKeys.events(b)];
      const seen = collector();
      const follower = ctx.follow(seen.onEntries);
      follower.follow(keyA, '0-0');
      follower.follow(keyB, '0-0');
      const a1 = await ctx.bus.events.append(a, containerEvent(a, 1, 1));
      await waitFor(() => seen.ids(keyA).length === 1);
      follower.unfollow(keyA);
      await ctx.bus.events.append(a, containerEvent(a, 1, 2));
      const b1 = await ctx.bus.events.append(b, containerEvent(b, 1, 1));
      await waitFor(() => seen.ids(keyB).length === 1);
      expect(seen.ids(keyA)).toEqual([a1]);

      follower.follow(keyB, '0-0');
      await waitFor(() => seen.ids(keyB).length === 2);
      expect(seen.ids(keyB)).toEqual([b1, b1]);
    });

    it('never delivers inside the append call, and survives a throwing handler', async () => {
      const host = ctx.newHost();
      const key = RedisKeys.events(host);
      const seen: string[] = [];
      let throwNext = true;
      ctx
        .follow((_k, entries) => {
          seen.push(...entries.map((e) => e.id));
          if (throwNext) {
            throwNext = false;
            throw new Error('handler bug');
          }
        })
        .follow(key, '0-0');
      const appending = ctx.bus.events.append(host, containerEvent(host, 1, 1));
      expect(seen).toEqual([]);
      const first = await appending;
      await waitFor(() => seen.length === 1);
      const second = await ctx.bus.events.append(host, containerEvent(host, 1, 2));
      await waitFor(() => seen.length === 2);
      expect(seen).toEqual([first, second]);
      expect(ctx.logger.mentions('handler bug')).toBe(true);
    });

    it('closes promptly while blocked', async () => {
      const host = ctx.newHost();
      const seen = collector();
      const follower = ctx.bus.follower(seen.onEntries);
      follower.follow(RedisKeys.events(host), '0-0');
      await ctx.bus.events.append(host, containerEvent(host, 1, 1));
      // Delivered, so the follower is back to waiting for more.
      await waitFor(() => seen.ids(RedisKeys.events(host)).length === 1);
      const started = Date.now();
      await follower.close();
      expect(Date.now() - started).toBeLessThan(500);
    });
  });
}
