import type { Bus } from '@flotilla/bus';
import { replyTo } from '@flotilla/bus/testing';
import { RedisKeys, type CommandReply, type CommandRequest } from '@flotilla/contracts';

/**
 * Plays an agent's command loop through the bus: reads the host's command stream and answers
 * each request with `answer(request)` (null: stay silent, so the gateway times out).
 */
export function fakeCommandLoop(
  bus: Bus,
  hostId: string,
  answer: (request: CommandRequest) => Partial<CommandReply> | null,
): { requests: CommandRequest[]; stop(): Promise<void> } {
  const requests: CommandRequest[] = [];
  const follower = bus.follower((_key, entries) => {
    for (const { value: request } of bus.records.commands(hostId, entries)) {
      requests.push(request);
      const reply = answer(request);
      if (reply === null) continue;
      void bus.commands.reply(replyTo(request, reply));
    }
  });
  follower.follow(RedisKeys.commands(hostId), '0-0');
  return { requests, stop: () => follower.close() };
}
