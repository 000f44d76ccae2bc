/**
 * Simulated hosts inside one process: each is a SimulatedEngine on a unix socket and the real
 * agent (`@flotilla/agent`) pointed at it, so the agent's whole pipeline (inventory, events, log
 * and stats followers, leases, heartbeats, commands) speaks the bus as it does in production.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAgentConfig, silentLogger, startAgent, type AgentHandle } from '@flotilla/agent';
import { SimulatedEngine } from './simulated-engine';

export interface SimulatedHostsOptions {
  redisUrl: string;
  hostIds: string[];
  containersPerHost: number;
  logLinesPerSecond?: number;
  /** Agents started at once (start-up inspects every container: keep the engines' load even). */
  startConcurrency?: number;
}

export interface SimulatedHost {
  engine: SimulatedEngine;
  agent: AgentHandle;
}

export interface SimulatedHosts {
  readonly hosts: SimulatedHost[];
  /** One state change on a random container of a random host; its Docker time. */
  toggleRandom(): string;
  stop(): Promise<void>;
}

export async function startSimulatedHosts(options: SimulatedHostsOptions): Promise<SimulatedHosts> {
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-sim-'));
  const hosts: SimulatedHost[] = [];
  const engines: SimulatedEngine[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(hosts.map((h) => h.agent.stop()));
    await Promise.allSettled(engines.map((e) => e.close()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const queue = options.hostIds.map((hostId, i) => ({ hostId, i }));
    const startOne = async ({ hostId, i }: { hostId: string; i: number }): Promise<void> => {
      const engine = new SimulatedEngine({
        hostId,
        socketPath: join(dir, `h${i}.sock`),
        containers: options.containersPerHost,
        logLinesPerSecond: options.logLinesPerSecond,
      });
      engines.push(engine);
      await engine.listen();
      const agent = await startAgent(
        loadAgentConfig({
          REDIS_URL: options.redisUrl,
          DOCKER_HOST: `unix://${engine.socketPath}`,
          HOST_ID: hostId,
          HOST_LABELS: 'simulated=true',
          LOG_LEVEL: 'error',
        }),
        { logger: silentLogger },
      );
      hosts.push({ engine, agent });
    };
    const lanes = Array.from({ length: options.startConcurrency ?? 8 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await startOne(next);
    });
    await Promise.all(lanes);
  } catch (error: unknown) {
    await stop();
    throw error;
  }
  return {
    hosts,
    toggleRandom() {
      const { engine } = hosts[Math.floor(Math.random() * hosts.length)];
      const ids = engine.ids();
      return engine.toggle(ids[Math.floor(Math.random() * ids.length)]);
    },
    stop,
  };
}

/**
 * Calls `change` `perSecond` times a second on average, spread evenly (a 20 ms tick, carrying
 * the fraction over). Returns a stop function.
 */
export function pace(perSecond: number, change: () => void): () => void {
  if (perSecond <= 0) return () => undefined;
  const started = Date.now();
  let done = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1_000) * perSecond);
    for (; done < due; done++) change();
  }, 20);
  return () => clearInterval(timer);
}
