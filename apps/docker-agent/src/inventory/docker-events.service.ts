import type { Readable } from 'node:stream';
import type { AgentMetrics } from '../agent-metrics';
import type { ContainerClient } from '../docker/container-client';
import type { ContainerEventNote } from '../exits/exit-recorder';
import type { DockerEvent } from '../docker/docker-inspect';
import { NdjsonParser } from '../docker/ndjson-parser';
import type { AgentLogger } from '../shared/agent-logger';
import { Backoff, Sleeper } from '../shared/backoff';
import type { InventoryService } from './inventory.service';
import { describeError } from '@flotilla/logging';

/** The container actions that change what viewers see. */
export const FOLLOWED_ACTIONS = [
  'create',
  'start',
  'restart',
  'stop',
  'die',
  'kill',
  'oom',
  'pause',
  'unpause',
  'rename',
  'health_status',
  'destroy',
] as const;

export interface EngineState {
  reachable: boolean;
  version: string | null;
  error: string | null;
}

/**
 * Follows Docker's event stream and hands each container event to the inventory. Connecting (at
 * start and after every break, with backoff) asks for a full resync, so whatever happened while
 * the stream was down is published too. Reports whether the engine is reachable.
 */
export class DockerEventsService {
  private stopped = false;
  private stream: Readable | null = null;
  private readonly backoff = new Backoff();
  private readonly sleeper = new Sleeper();
  private loop: Promise<void> | null = null;

  constructor(
    private readonly docker: ContainerClient,
    private readonly inventory: InventoryService,
    private readonly metrics: AgentMetrics,
    private readonly onEngine: (state: EngineState) => void,
    private readonly logger: AgentLogger,
    /** Also told of every container event (exit records): the inventory only learns which changed. */
    private readonly onContainerEvent: (note: ContainerEventNote) => void = () => undefined,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.wake();
    this.stream?.destroy();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const version = await this.docker.version();
        const stream = await this.docker.events({
          type: ['container'],
          event: [...FOLLOWED_ACTIONS],
        });
        if (this.stopped) {
          stream.destroy();
          break;
        }
        this.stream = stream;
        this.metrics.counters.dockerConnects++;
        this.onEngine({ reachable: true, version, error: null });
        this.metrics.report({ type: 'docker-connected' });
        this.logger.log(
          `following Docker events of ${this.docker.address.display} (engine ${version})`,
        );
        this.inventory.requestResync(
          this.metrics.counters.dockerConnects === 1 ? 'start' : 'Docker reconnect',
        );
        const connectedAt = Date.now();
        await this.consume(stream);
        this.stream = null;
        if (this.stopped) break;
        if (Date.now() - connectedAt > 10_000) this.backoff.reset();
        this.logger.warn('Docker event stream ended; reconnecting');
        this.metrics.report({ type: 'docker-lost', error: 'event stream ended' });
      } catch (error: unknown) {
        if (this.stopped) break;
        const message = describeError(error);
        this.onEngine({ reachable: false, version: null, error: message });
        this.metrics.report({ type: 'docker-lost', error: message });
      }
      await this.sleeper.sleep(this.backoff.next());
    }
  }

  private consume(stream: Readable): Promise<void> {
    const parser = new NdjsonParser<DockerEvent>((reason) =>
      this.logger.warn(`Docker event skipped: ${reason}`),
    );
    return new Promise((resolve) => {
      const done = (): void => {
        stream.removeAllListeners('data');
        resolve();
      };
      stream.on('data', (chunk: Buffer) => {
        for (const event of parser.push(chunk)) this.handle(event);
      });
      stream.once('end', done);
      stream.once('close', done);
      stream.on('error', (error: Error) => {
        this.logger.debug(`Docker event stream error: ${describeError(error)}`);
        done();
      });
    });
  }

  private handle(event: DockerEvent): void {
    const id = event.Actor?.ID ?? event.id;
    if (
      (event.Type ?? 'container') !== 'container' ||
      typeof id !== 'string' ||
      !/^[0-9a-f]{64}$/.test(id)
    )
      return;
    this.metrics.counters.dockerEvents++;
    const action = event.Action ?? event.status ?? '';
    this.logger.verbose(`Docker event ${action} ${id}`);
    this.inventory.containerEvent(id);
    this.onContainerEvent({
      containerId: id,
      action,
      attributes: event.Actor?.Attributes ?? {},
      timeNano: event.timeNano ?? (event.time ?? Date.now() / 1_000) * 1e9,
    });
  }
}
