/**
 * A gateway replica in a process of its own, driven over IPC by `startReplicaProcess`:
 * configuration from the environment, tuning as JSON in FLOTILLA_TUNING.
 */
import 'reflect-metadata';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadGatewayConfig } from '../../src/config/gateway.config';
import { startGateway } from '../../src/gateway-app';

export type ReplicaRequest = {
  id: number;
  op: 'inspect' | 'memory' | 'loop-delay' | 'close';
};

/** The replica's own event-loop delay since the last `loop-delay` question (benchmarks). */
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();

async function run(): Promise<void> {
  const config = loadGatewayConfig(process.env);
  const tuning = process.env.FLOTILLA_TUNING
    ? (JSON.parse(process.env.FLOTILLA_TUNING) as object)
    : {};
  const gateway = await startGateway(config, {
    tuning,
    processMetrics: false,
    replicaId: process.env.FLOTILLA_REPLICA_ID,
  });
  const send = (message: unknown): void => {
    process.send?.(message);
  };
  process.on('message', (request: ReplicaRequest) => {
    void (async () => {
      switch (request.op) {
        case 'inspect':
          send({ id: request.id, value: gateway.inspect() });
          break;
        case 'memory': {
          const gc = (globalThis as { gc?: () => void }).gc;
          gc?.();
          gc?.();
          send({ id: request.id, value: process.memoryUsage() });
          break;
        }
        case 'loop-delay':
          send({
            id: request.id,
            value: { p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6 },
          });
          loopDelay.reset();
          break;
        case 'close':
          await gateway.close();
          send({ id: request.id, value: null });
          process.disconnect();
          break;
      }
    })();
  });
  process.on('disconnect', () => {
    void gateway.close().then(() => process.exit(0));
  });
  (globalThis as { __releaseTsHook?: () => void }).__releaseTsHook?.();
  send({ ready: { url: gateway.url, port: gateway.port, replicaId: gateway.replicaId } });
}

run().catch((error: unknown) => {
  process.stderr.write(
    `replica process failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
