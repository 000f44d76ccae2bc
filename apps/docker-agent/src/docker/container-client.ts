import Docker from 'dockerode';
import type { Readable } from 'node:stream';
import type { DockerAddress } from '../config/agent-config';
import type { AgentLogger } from '../shared/agent-logger';
import type { DockerInspect } from './docker-inspect';
import { dockerStatusCode, isNotFound } from './docker-errors';
import type { ContainerAction } from '@flotilla/contracts';
import { describeError } from '@flotilla/logging';

/** Container actions the agent performs on request: the contract's, one list. */
export type LifecycleAction = ContainerAction;

/** The outcome of an idempotent action: `unchanged` when Docker said it was already so (HTTP 304). */
export interface ActionOutcome {
  unchanged: boolean;
}

export interface LogRequest {
  /** Resume point as Docker takes it: `<seconds>.<nanoseconds>`. */
  since?: string;
  /** Backfill: how many of the newest lines to send first. */
  tail?: number;
}

/** A failed Docker call; `status` is Docker's HTTP status when it answered. */
export class DockerCallError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }

  get notFound(): boolean {
    return this.status === 404;
  }
}

const CALL_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_S = 10;
/** Longest a lifecycle action may take: Docker's stop grace period plus a call's timeout. */
export const ACTION_TIMEOUT_MS = STOP_TIMEOUT_S * 1_000 + CALL_TIMEOUT_MS;

/**
 * The agent's only door to Docker: a narrow wrapper over dockerode. Calls are idempotent where
 * Docker allows it (304 is success), failures are logged with the container id and rethrown as
 * `DockerCallError`. Streams are returned raw; callers own their lifetime.
 */
export class ContainerClient {
  private readonly docker: Docker;

  constructor(
    readonly address: DockerAddress,
    private readonly logger: AgentLogger,
  ) {
    this.docker =
      address.kind === 'unix'
        ? new Docker({ socketPath: address.socketPath })
        : new Docker({ host: address.host, port: address.port, protocol: 'http' });
  }

  /** The engine's version; throws when it does not answer. */
  async version(): Promise<string> {
    // The typings omit it, but dockerode's version() takes options like every call.
    const version = this.docker.version.bind(this.docker) as unknown as (opts: {
      abortSignal: AbortSignal;
    }) => Promise<Docker.DockerVersion>;
    const v = await this.call('version', undefined, () =>
      version({ abortSignal: AbortSignal.timeout(CALL_TIMEOUT_MS) }),
    );
    return v.Version;
  }

  /** Ids of every container, running or not. */
  async listIds(): Promise<string[]> {
    const list = await this.call('list', undefined, () =>
      this.docker.listContainers({ all: true, abortSignal: AbortSignal.timeout(CALL_TIMEOUT_MS) }),
    );
    return list.map((c) => c.Id);
  }

  /** The container's inspect answer, or null when Docker does not know it (404). */
  async inspect(containerId: string): Promise<DockerInspect | null> {
    try {
      const info = await this.docker
        .getContainer(containerId)
        .inspect({ abortSignal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
      return info;
    } catch (error: unknown) {
      if (isNotFound(error)) return null;
      throw this.failure('inspect', containerId, error);
    }
  }

  /** Docker's event stream (newline-delimited JSON) filtered as given. */
  async events(filters: Record<string, string[]>): Promise<Readable> {
    const stream = await this.call('events', undefined, () => this.docker.getEvents({ filters }));
    return stream as Readable;
  }

  /** A following log stream with timestamps: multiplexed frames unless the container has a TTY. */
  async logs(containerId: string, request: LogRequest): Promise<Readable> {
    const options = {
      follow: true as const,
      stdout: true,
      stderr: true,
      timestamps: true,
      ...(request.since !== undefined ? { since: request.since } : {}),
      ...(request.tail !== undefined ? { tail: request.tail } : {}),
    };
    const stream = await this.call('logs', containerId, () =>
      this.docker
        .getContainer(containerId)
        .logs(options as unknown as Docker.ContainerLogsOptions & { follow: true }),
    );
    return stream as unknown as Readable;
  }

  /**
   * The container's log as Docker holds it, not following: timestamps, both outputs, from
   * `since` to `until` (each `<seconds>.<nanoseconds>`, inclusive); with `tail`, only the newest
   * that many lines (Docker takes the tail before it applies `until`). `signal` aborts the read.
   */
  async readLogs(
    containerId: string,
    range: { since?: string; until?: string; tail?: number },
    signal?: AbortSignal,
  ): Promise<Readable> {
    const options = {
      follow: false,
      stdout: true,
      stderr: true,
      timestamps: true,
      ...(range.since !== undefined ? { since: range.since } : {}),
      ...(range.until !== undefined ? { until: range.until } : {}),
      ...(range.tail !== undefined ? { tail: range.tail } : {}),
    };
    // dockerode buffers a non-following log whole; dialled as a stream it is read as it comes,
    // paused while the reader is behind (bounded memory however long the log).
    return this.call(
      'logs',
      containerId,
      () =>
        new Promise<Readable>((resolve, reject) =>
          this.docker.modem.dial(
            {
              path: `/containers/${encodeURIComponent(containerId)}/logs?`,
              method: 'GET',
              isStream: true,
              statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
              options,
              ...(signal ? { abortSignal: signal } : {}),
            },
            (error, data) => (error ? reject(error) : resolve(data as Readable)),
          ),
        ),
    );
  }

  /** Docker's stats stream: one JSON sample a second. */
  async stats(containerId: string): Promise<Readable> {
    const stream = await this.call('stats', containerId, () =>
      this.docker.getContainer(containerId).stats({ stream: true }),
    );
    return stream as unknown as Readable;
  }

  /**
   * Runs an action; "already started/stopped" (304) counts as success with `unchanged`. The
   * request is aborted when `signal` fires (the caller's deadline).
   */
  async act(
    action: LifecycleAction,
    containerId: string,
    signal?: AbortSignal,
  ): Promise<ActionOutcome> {
    const container = this.docker.getContainer(containerId);
    const abort = signal ? { abortSignal: signal } : {};
    try {
      switch (action) {
        case 'start':
          await container.start(abort);
          break;
        case 'stop':
          await container.stop({ t: STOP_TIMEOUT_S, ...abort });
          break;
        case 'restart':
          await container.restart({ t: STOP_TIMEOUT_S, ...abort });
          break;
        case 'unpause':
          await container.unpause(abort);
          break;
        case 'remove':
          await container.remove({ force: true, ...abort });
          break;
      }
      return { unchanged: false };
    } catch (error: unknown) {
      if (dockerStatusCode(error) === 304) return { unchanged: true };
      throw this.failure(action, containerId, error);
    }
  }

  private async call<T>(
    what: string,
    containerId: string | undefined,
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await run();
    } catch (error: unknown) {
      throw this.failure(what, containerId, error);
    }
  }

  private failure(what: string, containerId: string | undefined, error: unknown): DockerCallError {
    const status = dockerStatusCode(error);
    const message = describeError(error);
    const subject = containerId ? ` container ${containerId}` : '';
    // Engine-wide calls fail together when the engine is away; their callers report that once.
    if (status === 404 || !containerId) this.logger.debug(`docker ${what}${subject}: ${message}`);
    else this.logger.warn(`docker ${what}${subject} failed: ${message}`);
    return new DockerCallError(message, status);
  }
}
