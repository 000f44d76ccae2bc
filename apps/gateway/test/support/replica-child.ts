import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { GatewayTuning } from '../../src/core/gateway-tuning';
import type { GatewayInspection } from '../../src/gateway-inspector.service';

export interface ReplicaChild {
  url: string;
  replicaId: string;
  pid: number;
  inspect(): Promise<GatewayInspection>;
  /** The child's memory (after a full GC when it runs with --expose-gc). */
  memory(): Promise<NodeJS.MemoryUsage>;
  /** The child's event-loop delay (p99 and max) since the last time it was asked. */
  loopDelay(): Promise<{ p99Ms: number; maxMs: number }>;
  close(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

/** Starts a gateway replica in a child process (see replica-process.ts). */
export async function startReplicaChild(
  env: Record<string, string>,
  options: {
    tuning?: Partial<GatewayTuning>;
    exposeGc?: boolean;
    replicaId?: string;
    /** More Node flags for the child (benchmarks: --cpu-prof). */
    execArgv?: string[];
  } = {},
): Promise<ReplicaChild> {
  const child: ChildProcess = fork(join(__dirname, 'replica-process.ts'), [], {
    execArgv: [
      '-r',
      join(__dirname, 'ts-hook.js'),
      ...(options.exposeGc ? ['--expose-gc'] : []),
      ...(options.execArgv ?? []),
    ],
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      FLOTILLA_TUNING: JSON.stringify(options.tuning ?? {}),
      ...(options.replicaId ? { FLOTILLA_REPLICA_ID: options.replicaId } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let nextId = 1;
  const pending = new Map<number, (value: unknown) => void>();
  const ready = new Promise<{ url: string; replicaId: string }>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`replica process exited (${code}) before it was ready`)),
    );
    child.on(
      'message',
      (message: { ready?: { url: string; replicaId: string }; id?: number; value?: unknown }) => {
        if (message.ready) resolve(message.ready);
        if (message.id !== undefined) {
          pending.get(message.id)?.(message.value);
          pending.delete(message.id);
        }
      },
    );
  });
  const ask = <T>(op: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(
        () => reject(new Error(`replica process did not answer ${op}`)),
        10_000,
      );
      pending.set(id, (value) => {
        clearTimeout(timer);
        resolve(value as T);
      });
      child.send({ id, op });
    });
  const { url, replicaId } = await ready;
  return {
    url,
    replicaId,
    pid: child.pid!,
    inspect: () => ask<GatewayInspection>('inspect'),
    memory: () => ask<NodeJS.MemoryUsage>('memory'),
    loopDelay: () => ask<{ p99Ms: number; maxMs: number }>('loop-delay'),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await ask('close').catch(() => undefined);
      await exited;
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
