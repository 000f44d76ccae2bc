import {
  RedisKeys,
  STREAM_CAPS,
  type CommandReply,
  type CommandRequest,
} from '@flotilla/contracts';
import { encodeJson } from '../codecs';
import type { ReplyWaiter } from '../common/reply-waiter';
import { ZERO_ID } from '../common/stream-ids';
import type { CommandRepository } from '../ports';
import type { MemoryStore } from './memory-store';
import { settle } from './settle';

export class MemoryCommandRepository implements CommandRepository {
  constructor(
    private readonly store: MemoryStore,
    private readonly waiter: ReplyWaiter,
  ) {}

  send(request: CommandRequest): Promise<string> {
    return settle(() => {
      const position = this.store.stream(RedisKeys.replies(request.host_id))?.last()?.id ?? ZERO_ID;
      const key = RedisKeys.commands(request.host_id);
      this.store.xadd(key, '*', encodeJson(request), STREAM_CAPS.commands);
      return position;
    });
  }

  awaitReply(
    hostId: string,
    requestId: string,
    timeoutMs: number,
    after?: string,
  ): Promise<CommandReply | null> {
    return this.waiter.wait(hostId, requestId, timeoutMs, after);
  }

  newestCommand(hostId: string): Promise<string> {
    return settle(() => this.store.stream(RedisKeys.commands(hostId))?.last()?.id ?? ZERO_ID);
  }

  reply(reply: CommandReply): Promise<void> {
    return settle(() => {
      const key = RedisKeys.replies(reply.host_id);
      this.store.xadd(key, '*', encodeJson(reply), STREAM_CAPS.replies);
    });
  }
}
