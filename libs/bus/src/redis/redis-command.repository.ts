import {
  RedisKeys,
  STREAM_CAPS,
  type CommandReply,
  type CommandRequest,
} from '@flotilla/contracts';
import type { RedisClient } from './connections';
import { JSON_FIELD } from '../codecs';
import type { ReplyWaiter } from '../common/reply-waiter';
import { ZERO_ID } from '../common/stream-ids';
import type { CommandRepository } from '../ports';
import { capped, execAll, type RedisStreamEntry } from './replies';

export class RedisCommandRepository implements CommandRepository {
  constructor(
    private readonly redis: RedisClient,
    private readonly waiter: ReplyWaiter,
  ) {}

  async send(request: CommandRequest): Promise<string> {
    const [newestReply] = (await execAll(
      // One transaction: the position is read before the agent can possibly see the request.
      this.redis
        .multi()
        .xrevrange(RedisKeys.replies(request.host_id), '+', '-', 'COUNT', 1)
        .xadd(
          RedisKeys.commands(request.host_id),
          ...capped(STREAM_CAPS.commands),
          '*',
          JSON_FIELD,
          JSON.stringify(request),
        ),
    )) as [RedisStreamEntry[], string];
    return newestReply[0]?.[0] ?? ZERO_ID;
  }

  awaitReply(
    hostId: string,
    requestId: string,
    timeoutMs: number,
    after?: string,
  ): Promise<CommandReply | null> {
    return this.waiter.wait(hostId, requestId, timeoutMs, after);
  }

  async newestCommand(hostId: string): Promise<string> {
    const [newest] = (await this.redis.xrevrange(
      RedisKeys.commands(hostId),
      '+',
      '-',
      'COUNT',
      1,
    )) as RedisStreamEntry[];
    return newest?.[0] ?? ZERO_ID;
  }

  async reply(reply: CommandReply): Promise<void> {
    const key = RedisKeys.replies(reply.host_id);
    await this.redis.xadd(
      key,
      ...capped(STREAM_CAPS.replies),
      '*',
      JSON_FIELD,
      JSON.stringify(reply),
    );
  }
}
