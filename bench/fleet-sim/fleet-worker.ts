/**
 * One process of a simulated fleet (started by fleet-sim.ts): its share of the hosts, and its
 * share of the fleet's state changes. Configured by FLEET_WORKER (JSON), steered over IPC.
 */
import { pace, startSimulatedHosts } from './simulated-hosts';

interface WorkerConfig {
  redisUrl: string;
  hostIds: string[];
  containersPerHost: number;
  logLinesPerSecond: number;
}

type Request = { op: 'rate'; perSecond: number } | { op: 'report' } | { op: 'stop' };

async function main(): Promise<void> {
  const config = JSON.parse(process.env.FLEET_WORKER ?? '') as WorkerConfig;
  const fleet = await startSimulatedHosts(config);
  let stopPacing = (): void => undefined;
  let changes = 0;
  const send = (message: unknown): void => void process.send?.(message);
  process.on('message', (request: Request) => {
    switch (request.op) {
      case 'rate':
        stopPacing();
        stopPacing = pace(request.perSecond, () => {
          fleet.toggleRandom();
          changes++;
        });
        return;
      case 'report': {
        const served = { requests: 0, events: 0, logLines: 0, statsSamples: 0 };
        for (const { engine } of fleet.hosts)
          for (const k of Object.keys(served) as (keyof typeof served)[])
            served[k] += engine.served[k];
        send({
          report: { changes, served, rss: process.memoryUsage().rss, cpu: process.cpuUsage() },
        });
        return;
      }
      case 'stop':
        stopPacing();
        void fleet.stop().then(() => process.exit(0));
        return;
    }
  });
  process.on('disconnect', () => void fleet.stop().then(() => process.exit(0)));
  send({ ready: fleet.hosts.length });
}

main().catch((error: unknown) => {
  process.stderr.write(`fleet worker failed: ${String(error)}\n`);
  process.exit(1);
});
