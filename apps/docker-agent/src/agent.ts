import { createMemoryBus, createRedisBus, type Bus } from '@flotilla/bus';
import type { HostInfo } from '@flotilla/contracts';
import { AgentMetrics, type AgentCounters } from './agent-metrics';
import { CommandRunner } from './commands/command-runner';
import type { AgentConfig } from './config/agent-config';
import { ContainerClient } from './docker/container-client';
import { BusHealth } from './heartbeat/bus-health';
import { ExitRecorder } from './exits/exit-recorder';
import { HeartbeatService } from './heartbeat/heartbeat.service';
import { ContainerRegistry } from './inventory/container-registry';
import { DockerEventsService } from './inventory/docker-events.service';
import { InventoryService } from './inventory/inventory.service';
import { RevisionClock } from './inventory/revision-clock';
import { LeaseWatcher, LEASE_POLL_MS } from './leases/lease-watcher';
import type { BatchingOptions } from './logs/log-batcher';
import { LogsService } from './logs/logs.service';
import { RemovedStreamsService } from './retention/removed-streams.service';
import { createAgentLogger, type AgentLogger, type AgentLogSink } from './shared/agent-logger';
import { AGENT_VERSION } from './shared/version';
import { StatsService } from './stats/stats.service';
import { SearchService } from './search/search.service';
import { describeError } from '@flotilla/logging';

/** Waits for `work` at most `ms` (its failure is ignored: shutdown goes on). */
async function within(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

export interface StartAgentOptions {
  /**
   * The bus to publish into. Default: a Redis bus on `config.redisUrl`, or a fresh in-process
   * bus in standalone mode. A bus passed in is not closed by `stop()`.
   */
  bus?: Bus;
  /** The agent's logger; default: one at `config.logLevel` writing to `logSink`. */
  logger?: AgentLogger;
  /** Where the default logger writes; default: JSON lines on stdout (libs/logging). */
  logSink?: AgentLogSink;
  /** Heartbeat period; `TIMINGS.heartbeatIntervalMs` unless a test needs it shorter. */
  heartbeatIntervalMs?: number;
  /** Lease poll period (1 s). */
  leasePollMs?: number;
  batching?: BatchingOptions;
  /**
   * Stops the agent when aborted during start-up: `startAgent` then rejects with an `AbortError`
   * once the agent has stopped (its host marked offline if it had been announced).
   */
  signal?: AbortSignal;
}

/** A running agent. */
export interface AgentHandle {
  readonly hostId: string;
  readonly bus: Bus;
  /** Counters, and `metrics.on('agent', (e: AgentEvent) => …)` for resyncs and reconnects. */
  readonly metrics: AgentMetrics;
  /** Docker log streams open right now (one per followed container: invariant I1, docs/architecture.md). */
  openLogStreams(): number;
  openStatsStreams(): number;
  counters(): AgentCounters;
  /** Containers whose logs / stats are followed right now. */
  followedLogs(): string[];
  followedStats(): string[];
  hostInfo(): HostInfo;
  /**
   * Stops followers, marks the host offline (unless `markOffline: false`, which simulates a
   * crash: the heartbeat simply expires), and closes the connections it opened.
   */
  stop(options?: { markOffline?: boolean }): Promise<void>;
}

/**
 * Starts an agent for one Docker engine inside the calling process: it announces the host,
 * publishes the inventory, follows Docker's events, and follows the logs and stats of leased
 * containers. Resolves once started; Docker or the bus being unreachable is not an error (the
 * agent retries and reports it in the host's info).
 */
export async function startAgent(
  config: AgentConfig,
  options: StartAgentOptions = {},
): Promise<AgentHandle> {
  const hostId = config.hostId;
  const aborted = (): DOMException =>
    new DOMException(`agent for host ${hostId} stopped during start-up`, 'AbortError');
  if (options.signal?.aborted) throw aborted();
  const logger =
    options.logger ?? createAgentLogger('DockerAgent', config.logLevel, options.logSink);
  const ownBus = options.bus === undefined;
  const bus =
    options.bus ??
    (config.redisUrl
      ? createRedisBus({
          url: config.redisUrl,
          mode: config.redisMode,
          name: `flotilla-agent-${config.hostId}`,
          logger: logger.child('Bus'),
          retention: config.retention,
          // The agent's ACL has no CLIENT UNBLOCK (see agent-acl.ts).
          interruptFollowers: false,
        })
      : createMemoryBus({ logger: logger.child('Bus'), retention: config.retention }));
  const metrics = new AgentMetrics();
  const busHealth = new BusHealth();
  const registry = new ContainerRegistry();
  const docker = new ContainerClient(config.docker, logger.child('Docker'));

  const inventory = new InventoryService(
    hostId,
    docker,
    bus,
    registry,
    new RevisionClock(),
    metrics,
    busHealth,
    logger.child('Inventory'),
  );
  const heartbeat = new HeartbeatService(
    bus,
    {
      hostId,
      labels: config.hostLabels,
      agentVersion: AGENT_VERSION,
      engineAddress: config.docker.display,
      intervalMs: options.heartbeatIntervalMs,
    },
    busHealth,
    metrics,
    () => inventory.requestResync('bus recovery'),
    logger.child('Heartbeat'),
  );
  const exits = new ExitRecorder(hostId, docker, bus, registry, logger.child('Exits'));
  const events = new DockerEventsService(
    docker,
    inventory,
    metrics,
    (e) => heartbeat.setEngine(e),
    logger.child('DockerEvents'),
    (note) => exits.containerEvent(note),
  );
  const logs = new LogsService(
    registry,
    {
      hostId,
      docker,
      bus,
      metrics,
      busHealth,
      logger: logger.child('Logs'),
      batching: options.batching,
    },
    logger.child('Logs'),
  );
  const stats = new StatsService(registry, {
    hostId,
    docker,
    bus,
    metrics,
    logger: logger.child('Stats'),
  });
  const unlisten = registry.onChange((c) => {
    logs.containerChanged(c);
    stats.containerChanged(c);
  });
  const leases = new LeaseWatcher(
    bus,
    hostId,
    (kind, ids) => (kind === 'logs' ? logs.setLeased(ids) : stats.setLeased(ids)),
    logger.child('Leases'),
    options.leasePollMs ?? LEASE_POLL_MS,
  );
  const removedStreams = new RemovedStreamsService(
    bus,
    registry,
    {
      hostId,
      graceMs: config.retention.removedGraceMs,
      inventoryReady: () => metrics.counters.resyncs > 0,
    },
    logger.child('Retention'),
  );
  const commands = new CommandRunner(
    bus,
    docker,
    metrics,
    { hostId, allowRemove: config.allowRemove },
    logger.child('Commands'),
  );

  const search = new SearchService(hostId, {
    bus,
    docker,
    metrics,
    logger: logger.child('Search'),
  });

  let stopping: Promise<void> | null = null;
  const stop = async ({ markOffline = true }: { markOffline?: boolean } = {}): Promise<void> => {
    // Every step is bounded: a bus or engine that does not answer must not hold the shutdown.
    await within(
      2_000,
      Promise.all([
        leases.stop(),
        logs.stop(),
        stats.stop(),
        events.stop(),
        exits.stop(),
        commands.stop(),
        removedStreams.stop(),
        search.stop(),
      ]),
    );
    await within(2_000, inventory.stop());
    unlisten();
    await within(2_000, heartbeat.stop(markOffline));
    if (ownBus) await within(1_000, bus.close());
    logger.log(`agent for host ${hostId} stopped`);
  };
  const handle: AgentHandle = {
    hostId,
    bus,
    metrics,
    openLogStreams: () => metrics.counters.openLogStreams,
    openStatsStreams: () => metrics.counters.openStatsStreams,
    counters: () => metrics.snapshot(),
    followedLogs: () => logs.followed(),
    followedStats: () => stats.followed(),
    hostInfo: () => heartbeat.info(),
    stop: (opts) => (stopping ??= stop(opts)),
  };

  // A stop requested from here on ends the start too: commands.start() stops retrying.
  const abort = (): void => void handle.stop();
  options.signal?.addEventListener('abort', abort, { once: true });
  heartbeat.start();
  events.start();
  leases.start();
  removedStreams.start();
  search.start().catch((error: unknown) => {
    logger.warn(`search requests not followed: ${describeError(error)}`);
  });
  // Take commands from the moment the agent is up; with the bus down, start() keeps retrying.
  await within(
    5_000,
    commands.start().catch((error: unknown) => {
      logger.warn(`command stream not followed: ${describeError(error)}`);
    }),
  );
  options.signal?.removeEventListener('abort', abort);
  if (options.signal?.aborted) {
    await handle.stop();
    throw aborted();
  }
  logger.log(`agent for host ${hostId} started (engine ${config.docker.display})`);
  return handle;
}
