import type { Bus } from '@flotilla/bus';
import type { Readable } from 'node:stream';
import type { AgentMetrics } from '../agent-metrics';
import type { ContainerClient } from '../docker/container-client';
import { NdjsonParser } from '../docker/ndjson-parser';
import type { AgentLogger } from '../shared/agent-logger';
import { Backoff, Sleeper } from '../shared/backoff';
import { hasCpuBaseline, toStatsSample, type DockerStats } from './stats-calculator';
import { describeError } from '@flotilla/logging';

export interface StatsFollowerDeps {
  hostId: string;
  docker: ContainerClient;
  bus: Bus;
  metrics: AgentMetrics;
  logger: AgentLogger;
  /** Whether the container runs (per the agent's registry); stats are read only then. */
  isRunning: (containerId: string) => boolean;
  /** Whether the container has a memory limit of its own, per the inventory's inspect. */
  memoryLimited: (containerId: string) => boolean | undefined;
}

/**
 * Reads one container's Docker stats stream (one sample a second) into its stats stream on the
 * bus while it runs. A sample that arrives while the previous one is still being written is
 * dropped: stats are a gauge, the next one supersedes it.
 */
export class StatsFollower {
  private stopped = false;
  private stream: Readable | null = null;
  private readonly sleeper = new Sleeper();
  private readonly backoff = new Backoff();
  private loop: Promise<void> | null = null;
  private writing = false;

  constructor(
    readonly containerId: string,
    private readonly deps: StatsFollowerDeps,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  containerChanged(): void {
    if (!this.deps.isRunning(this.containerId)) this.stream?.destroy();
    this.sleeper.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.wake();
    this.stream?.destroy();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (!this.deps.isRunning(this.containerId)) {
        await this.sleeper.sleep(60_000);
        continue;
      }
      try {
        const samples = await this.follow();
        if (samples > 0) this.backoff.reset();
        else await this.sleeper.sleep(this.backoff.next());
      } catch (error: unknown) {
        if (this.stopped) return;
        const delay = this.backoff.next();
        this.deps.logger.debug(
          `stats of ${this.containerId} failed (retry in ${delay} ms): ${describeError(error)}`,
        );
        await this.sleeper.sleep(delay);
      }
    }
  }

  private async follow(): Promise<number> {
    const { docker, metrics, logger } = this.deps;
    const stream = await docker.stats(this.containerId);
    if (this.stopped) {
      stream.destroy();
      return 0;
    }
    this.stream = stream;
    metrics.counters.openStatsStreams++;
    let samples = 0;
    const parser = new NdjsonParser<DockerStats>((reason) =>
      logger.debug(`stats sample skipped: ${reason}`),
    );
    try {
      await new Promise<void>((resolve) => {
        stream.on('data', (chunk: Buffer) => {
          for (const raw of parser.push(chunk)) {
            samples++;
            this.publish(raw);
          }
        });
        stream.once('end', () => resolve());
        stream.once('close', () => resolve());
        stream.on('error', () => resolve());
      });
    } finally {
      this.stream = null;
      metrics.counters.openStatsStreams--;
      stream.removeAllListeners('data');
      stream.destroy();
    }
    return samples;
  }

  private publish(raw: DockerStats): void {
    if (this.writing || this.stopped || !hasCpuBaseline(raw)) return;
    const sample = toStatsSample(
      this.deps.hostId,
      this.containerId,
      raw,
      this.deps.memoryLimited(this.containerId),
    );
    // A stopped container reports zeroed samples with Docker's zero time.
    if (sample.read.startsWith('0001-')) return;
    this.writing = true;
    this.deps.bus.stats
      .append(sample)
      .then(() => this.deps.metrics.counters.statsSamples++)
      .catch((error: unknown) =>
        this.deps.logger.debug(
          `stats sample of ${this.containerId} not stored: ${describeError(error)}`,
        ),
      )
      .finally(() => (this.writing = false));
  }
}
