/**
 * A simulated fleet: `hosts` hosts of `containersPerHost` containers each, spread over `workers`
 * processes (fleet-worker.ts), each host a simulated engine with the real agent in front of it.
 *
 *   node -r ./apps/gateway/test/support/ts-hook.js bench/fleet-sim/fleet-sim.ts \
 *     REDIS_URL=redis://127.0.0.1:6379 HOSTS=200 CONTAINERS=100 WORKERS=4 EVENTS_PER_S=50
 */
import type { ChildProcess } from 'node:child_process';
import { setting, startTsChild } from '../gateway-bench-kit';

export interface FleetSimOptions {
  redisUrl: string;
  hosts: number;
  containersPerHost: number;
  workers: number;
  /** State changes per second over the whole fleet. */
  eventsPerSecond?: number;
  logLinesPerSecond?: number;
  /** Host ids are `<prefix>-<n>` (default `sim`). */
  hostPrefix?: string;
}

export interface WorkerReport {
  changes: number;
  served: { requests: number; events: number; logLines: number; statsSamples: number };
  rss: number;
  cpu: NodeJS.CpuUsage;
}

export interface FleetSim {
  hostIds: string[];
  pids: number[];
  /** Sets the fleet's total rate of state changes. */
  setRate(perSecond: number): void;
  reports(): Promise<WorkerReport[]>;
  stop(): Promise<void>;
}

export async function startFleetSim(options: FleetSimOptions): Promise<FleetSim> {
  const prefix = options.hostPrefix ?? 'sim';
  const hostIds = Array.from({ length: options.hosts }, (_, i) => `${prefix}-${i + 1}`);
  const workers: ChildProcess[] = [];
  const exits: Promise<void>[] = [];
  const starts: Promise<void>[] = [];
  for (let w = 0; w < options.workers; w++) {
    const share = hostIds.filter((_, i) => i % options.workers === w);
    const child = startTsChild('bench/fleet-sim/fleet-worker.ts', {
      FLEET_WORKER: JSON.stringify({
        redisUrl: options.redisUrl,
        hostIds: share,
        containersPerHost: options.containersPerHost,
        logLinesPerSecond: options.logLinesPerSecond ?? 2,
      }),
    });
    workers.push(child);
    exits.push(new Promise((resolve) => child.once('exit', () => resolve())));
    starts.push(
      new Promise((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`fleet worker exited (${code})`)));
        child.on('message', (m: { ready?: number }) => {
          if (m.ready !== undefined) resolve();
        });
      }),
    );
  }
  const stop = async (): Promise<void> => {
    for (const child of workers) if (child.connected) child.send({ op: 'stop' });
    const timer = setTimeout(() => workers.forEach((c) => c.kill('SIGKILL')), 15_000);
    await Promise.all(exits);
    clearTimeout(timer);
  };
  try {
    await Promise.all(starts);
  } catch (error: unknown) {
    await stop();
    throw error;
  }
  const sim: FleetSim = {
    hostIds,
    pids: workers.map((c) => c.pid!),
    setRate(perSecond) {
      for (const child of workers)
        child.send({ op: 'rate', perSecond: perSecond / workers.length });
    },
    reports: () =>
      Promise.all(
        workers.map(
          (child) =>
            new Promise<WorkerReport>((resolve) => {
              const on = (m: { report?: WorkerReport }): void => {
                if (!m.report) return;
                child.off('message', on);
                resolve(m.report);
              };
              child.on('message', on);
              child.send({ op: 'report' });
            }),
        ),
      ),
    stop,
  };
  sim.setRate(options.eventsPerSecond ?? 0);
  return sim;
}

if (require.main === module) {
  const started = Date.now();
  startFleetSim({
    redisUrl: setting('REDIS_URL', 'redis://127.0.0.1:6379'),
    hosts: Number(setting('HOSTS', '200')),
    containersPerHost: Number(setting('CONTAINERS', '100')),
    workers: Number(setting('WORKERS', '4')),
    eventsPerSecond: Number(setting('EVENTS_PER_S', '50')),
    logLinesPerSecond: Number(setting('LOG_LINES_PER_S', '2')),
  })
    .then((sim) => {
      process.stdout.write(
        `${sim.hostIds.length} simulated hosts up in ${Date.now() - started} ms (pids ${sim.pids.join(', ')}); Ctrl-C stops\n`,
      );
      process.once('SIGINT', () => void sim.stop().then(() => process.exit(0)));
      process.once('SIGTERM', () => void sim.stop().then(() => process.exit(0)));
    })
    .catch((error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    });
}
