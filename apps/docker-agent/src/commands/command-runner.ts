import type { Bus, StreamEntry } from '@flotilla/bus';
import {
  commandRequestSchema,
  FLEET_EVENT_FIELD,
  parseJson,
  RedisKeys,
  type CommandErrorCode,
  type CommandReply,
  type CommandRequest,
} from '@flotilla/contracts';
import type { AgentMetrics } from '../agent-metrics';
import type { ActionOutcome, ContainerClient } from '../docker/container-client';
import { ACTION_TIMEOUT_MS, DockerCallError } from '../docker/container-client';
import type { AgentLogger } from '../shared/agent-logger';
import { RequestStream } from '../shared/request-stream';
import { describeError } from '@flotilla/logging';

export interface CommandRunnerOptions {
  hostId: string;
  allowRemove: boolean;
  /** Longest wait for Docker to carry out one action (`ACTION_TIMEOUT_MS`). */
  actionTimeoutMs?: number;
}

/** The Docker call behind a command outlived its deadline. */
class ActionTimeout extends Error {}

/**
 * Executes the commands gateways queue on the host's command stream (followed from its newest
 * entry at start): validated, refused when expired (on the bus's clock) or not allowed, run
 * idempotently, and answered on the reply stream. Commands on one container run one at a time in
 * arrival order; different containers do not wait for each other, and a Docker call that does
 * not answer is abandoned at its deadline, so one hung container holds up nothing else.
 */
export class CommandRunner {
  private readonly requests: RequestStream;
  /** The tail of each container's queue; removed once it runs dry. */
  private readonly queues = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly bus: Bus,
    private readonly docker: Pick<ContainerClient, 'act'>,
    private readonly metrics: AgentMetrics,
    private readonly options: CommandRunnerOptions,
    private readonly logger: AgentLogger,
  ) {
    this.requests = new RequestStream(
      bus,
      {
        name: 'command stream position',
        key: RedisKeys.commands(options.hostId),
        newest: () => bus.commands.newestCommand(options.hostId),
      },
      (entries) => this.receive(entries),
      logger,
    );
  }

  /** Follows the host's command stream from its newest entry (what was queued before is stale). */
  start(): Promise<void> {
    return this.requests.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.requests.stop();
    await Promise.all(this.queues.values());
  }

  /** Handles raw entries of the command stream (exposed for tests with a fake bus). */
  receive(entries: StreamEntry<Record<string, string>>[]): void {
    for (const entry of entries) {
      const parsed = parseJson(commandRequestSchema, entry.value[FLEET_EVENT_FIELD] ?? '');
      if (!parsed.ok) {
        this.logger.warn(`command ${entry.id} ignored: ${parsed.error}`);
        continue;
      }
      if (parsed.value.host_id !== this.options.hostId) {
        this.logger.warn(
          `command ${parsed.value.request_id} ignored: it is for host ${parsed.value.host_id}`,
        );
        continue;
      }
      this.enqueue(parsed.value);
    }
  }

  private enqueue(request: CommandRequest): void {
    const id = request.container_id;
    const tail = (this.queues.get(id) ?? Promise.resolve()).then(() => this.handle(request));
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
  }

  /** Runs one command and replies; never throws. */
  async handle(request: CommandRequest): Promise<void> {
    if (this.stopped) return;
    let now: number;
    try {
      // The gateway set the deadline on the bus's clock; this host's own clock may be off.
      now = await this.bus.time();
    } catch (error: unknown) {
      this.logger.warn(
        `command ${request.request_id} not run: the bus clock is unreadable: ${describeError(error)}`,
      );
      return;
    }
    let reply: CommandReply;
    if (request.expires_at <= now) {
      reply = this.reply(request, {
        ok: false,
        code: 'expired',
        error: 'the command expired before the agent got it',
      });
    } else if (request.action === 'remove' && !this.options.allowRemove) {
      reply = this.reply(request, {
        ok: false,
        code: 'disabled',
        error: 'removing containers is disabled on this host',
      });
    } else {
      reply = await this.execute(request);
    }
    this.metrics.counters.commandsHandled++;
    this.logger.log(
      `${request.action} ${request.container_id} by ${request.requested_by}: ${reply.ok ? (reply.unchanged ? 'unchanged' : 'done') : `${reply.code}: ${reply.error}`}`,
    );
    try {
      await this.bus.commands.reply(reply);
    } catch (error: unknown) {
      this.logger.warn(`reply to command ${request.request_id} not sent: ${describeError(error)}`);
    }
  }

  private async execute(request: CommandRequest): Promise<CommandReply> {
    const timeoutMs = this.options.actionTimeoutMs ?? ACTION_TIMEOUT_MS;
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // Aborting asks dockerode to drop the request; the race settles even if it never does.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new ActionTimeout());
      }, timeoutMs);
    });
    try {
      const outcome: ActionOutcome = await Promise.race([
        this.docker.act(request.action, request.container_id, abort.signal),
        deadline,
      ]);
      return this.reply(request, { ok: true, unchanged: outcome.unchanged });
    } catch (error: unknown) {
      if (error instanceof ActionTimeout) {
        return this.reply(request, {
          ok: false,
          code: 'timeout',
          error: `Docker did not finish the ${request.action} within ${timeoutMs} ms`,
        });
      }
      const notFound = error instanceof DockerCallError && error.notFound;
      return this.reply(request, {
        ok: false,
        code: notFound ? 'not_found' : 'docker_error',
        error: notFound ? 'no such container on this host' : describeError(error),
      });
    } finally {
      clearTimeout(timer);
    }
  }

  private reply(
    request: CommandRequest,
    result: { ok: boolean; unchanged?: boolean; code?: CommandErrorCode; error?: string },
  ): CommandReply {
    return {
      v: 1,
      request_id: request.request_id,
      host_id: request.host_id,
      container_id: request.container_id,
      action: request.action,
      ok: result.ok,
      unchanged: result.unchanged ?? false,
      error: result.error?.slice(0, 512) ?? null,
      code: result.code ?? null,
      finished_at: new Date().toISOString(),
    };
  }
}
