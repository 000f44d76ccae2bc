/// <reference types="jest" />
import { RedisKeys } from '@flotilla/contracts';
import { waitFor } from '@flotilla/testing';
import type { ContractContext } from './contract-context';
import { replyTo, sampleRequest } from '../../testing/samples';

export function commandsContract(ctx: ContractContext): void {
  describe('commands', () => {
    /** An agent stand-in: answers each request it reads with `answer`. */
    const agent = (host: string, answer: (id: string) => Promise<void>): void => {
      const follower = ctx.follow((_key, entries) => {
        for (const request of ctx.bus.records.commands(host, entries))
          void answer(request.value.request_id);
      });
      follower.follow(RedisKeys.commands(host), '0-0');
    };

    it('delivers a request to the agent and its reply to the waiter', async () => {
      const host = ctx.newHost();
      const request = sampleRequest(host);
      const answer = replyTo(request, { unchanged: true });
      agent(host, async (id) => {
        if (id !== request.request_id) return;
        await ctx.bus.commands.reply(replyTo(sampleRequest(host)));
        await ctx.bus.commands.reply(answer);
      });
      const position = await ctx.bus.commands.send(request);
      expect(position).toBe('0-0');
      expect(await ctx.bus.commands.awaitReply(host, request.request_id, 3_000, position)).toEqual(
        answer,
      );
    });

    it('tells an agent where the command stream ends, so it acts only on what comes next', async () => {
      const host = ctx.newHost();
      expect(await ctx.bus.commands.newestCommand(host)).toBe('0-0');
      await ctx.bus.commands.send(sampleRequest(host));
      const newest = await ctx.bus.commands.newestCommand(host);
      expect(newest).not.toBe('0-0');
      const later = sampleRequest(host);
      const seen: string[] = [];
      const follower = ctx.follow((_key, entries) => {
        for (const request of ctx.bus.records.commands(host, entries))
          seen.push(request.value.request_id);
      });
      follower.follow(RedisKeys.commands(host), newest);
      await ctx.bus.commands.send(later);
      await waitFor(() => seen.length > 0, { timeoutMs: 3_000, message: 'the later command' });
      expect(seen).toEqual([later.request_id]);
    });

    it('returns null when no reply comes in time', async () => {
      const host = ctx.newHost();
      const request = sampleRequest(host);
      const position = await ctx.bus.commands.send(request);
      expect(await ctx.bus.commands.awaitReply(host, request.request_id, 100, position)).toBeNull();
    });

    it('finds a reply written before the wait began', async () => {
      const host = ctx.newHost();
      const early = sampleRequest(host);
      await ctx.bus.commands.reply(replyTo(sampleRequest(host)));
      const position = await ctx.bus.commands.send(early);
      expect(position).not.toBe('0-0');
      await ctx.bus.commands.reply(replyTo(early));
      expect(
        await ctx.bus.commands.awaitReply(host, early.request_id, 3_000, position),
      ).toMatchObject({
        request_id: early.request_id,
      });
      // Without a position, every retained reply is searched.
      expect(await ctx.bus.commands.awaitReply(host, early.request_id, 3_000)).toMatchObject({
        request_id: early.request_id,
      });
    });

    it('serves concurrent waits, including one that starts after the follower passed its reply', async () => {
      const host = ctx.newHost();
      const [keeper, first, second] = [
        sampleRequest(host),
        sampleRequest(host),
        sampleRequest(host),
      ];
      // A wait answered last keeps the host's reply stream followed throughout.
      const keeperReply = ctx.bus.commands.awaitReply(
        host,
        keeper.request_id,
        3_000,
        await ctx.bus.commands.send(keeper),
      );
      const firstReply = ctx.bus.commands.awaitReply(
        host,
        first.request_id,
        3_000,
        await ctx.bus.commands.send(first),
      );
      const secondPosition = await ctx.bus.commands.send(second);
      await ctx.bus.commands.reply(replyTo(second));
      await ctx.bus.commands.reply(replyTo(first));
      expect((await firstReply)?.request_id).toBe(first.request_id);
      // The follower has passed the reply to `second` before anyone waited on it.
      const secondReply = await ctx.bus.commands.awaitReply(
        host,
        second.request_id,
        3_000,
        secondPosition,
      );
      expect(secondReply?.request_id).toBe(second.request_id);
      await ctx.bus.commands.reply(replyTo(keeper));
      expect((await keeperReply)?.request_id).toBe(keeper.request_id);
    });

    it('skips and reports a corrupt reply', async () => {
      const host = ctx.newHost();
      const request = sampleRequest(host);
      const position = await ctx.bus.commands.send(request);
      const waiting = ctx.bus.commands.awaitReply(host, request.request_id, 3_000, position);
      const bad = await ctx.raw.xadd(RedisKeys.replies(host), '*', { d: 'not json' });
      await ctx.bus.commands.reply(replyTo(request));
      expect((await waiting)?.request_id).toBe(request.request_id);
      expect(ctx.logger.mentions(bad)).toBe(true);
    });
  });
}
