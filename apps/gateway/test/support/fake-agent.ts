import { decodeCommandRequest, type Bus } from '@flotilla/bus';
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
    for (const entry of entries) {
      const parsed = decodeCommandRequest(entry.value);
      if (!parsed.ok) continue;
      requests.push(parsed.value);
      const reply = answer(parsed.value);
      if (reply === null) continue;
      void bus.commands.reply({
        v: 1,
        request_id: parsed.value.request_id,
        host_id: parsed.value.host_id,
        container_id: parsed.value.container_id,
        action: parsed.value.action,
        ok: true,
        unchanged: false,
        error: null,
        code: null,
        finished_at: new Date().toISOString(),
        ...reply,
      });
    }
  });
  follower.follow(RedisKeys.commands(hostId), '0-0');
  return { requests, stop: () => follower.close() };
}
