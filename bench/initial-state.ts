/**
 * What a dashboard costs to connect at fleet scale, the seed's `initial_state` (every container)
 * against a view (`auth.view`: every host with its counts, the containers of one host), measured
 * side by side in one run on the same replicas; then a reconnect storm: CLIENTS dashboards with a
 * view on replica 1, replica 1 killed, each reconnecting to replica 2 at once.
 *
 *   node -r ./apps/gateway/test/support/ts-hook.js bench/initial-state.ts \
 *     HOSTS=200 CONTAINERS=100 CONNECTS=10 CLIENTS=2000
 *
 * The fleet is written straight into Redis as agents write it (host, heartbeat, snapshot), with
 * compose labels on every container; no agent runs, so nothing else competes for the CPU.
 */
import { loadavg } from 'node:os';
import type { InitialStatePayload } from '@flotilla/contracts';
import { createRedisBus } from '@flotilla/bus';
import { startRedis, waitFor } from '@flotilla/testing';
import { io, type Socket } from 'socket.io-client';
import { hostInfo } from '../apps/gateway/test/support/fleet-fixtures';
import { startReplicaChild } from '../apps/gateway/test/support/replica-child';
import { cpuSeconds, mib, percentile, setting, statusMiB } from './gateway-bench-kit';
import { container, hostId } from './sample-fleet';

const HOSTS = Number(setting('HOSTS', '200'));
const CONTAINERS = Number(setting('CONTAINERS', '100'));
const CONNECTS = Number(setting('CONNECTS', '10'));
const CLIENTS = Number(setting('CLIENTS', '2000'));
const out = (line: string): void => void process.stdout.write(`${line}\n`);

/** Connects one client; resolves with ms to `initial_state`, its bytes, and what it held. */
function connectOnce(
  url: string,
  view: object | undefined,
): Promise<{ ms: number; bytes: number; initial: InitialStatePayload; socket: Socket }> {
  const start = performance.now();
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: view ? { view } : {},
  });
  let bytes = 0;
  socket.io.on('open', () => {
    socket.io.engine.on('packet', (packet: { data?: unknown }) => {
      if (typeof packet.data === 'string') bytes += Buffer.byteLength(packet.data);
    });
  });
  return new Promise((resolve, reject) => {
    socket.once('initial_state', (initial: InitialStatePayload) =>
      resolve({ ms: performance.now() - start, bytes, initial, socket }),
    );
    socket.once('connect_error', reject);
  });
}

const firstScreen = { counts: true, hosts: [hostId(0)] };

async function main(): Promise<void> {
  out(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}`,
  );
  const redis = await startRedis();
  const bus = createRedisBus({ url: redis.url, name: 'bench' });
  for (let h = 0; h < HOSTS; h++) {
    await bus.hosts.announce({ ...hostInfo(hostId(h)), labels: { rack: `r${h % 8}` } });
    await bus.hosts.beat(hostId(h));
    await bus.snapshots.replace(
      hostId(h),
      Array.from({ length: CONTAINERS }, (_, n) => container(h, n)),
    );
  }
  const env = { REDIS_URL: redis.url, PORT: '0', LOG_LEVEL: 'warn', WEB_DIST: '/nonexistent' };
  const replicas = [await startReplicaChild(env), await startReplicaChild(env)];
  try {
    // Both replicas follow every host before anything is measured.
    for (const r of replicas)
      await waitFor(
        async () => {
          const { initial, socket } = await connectOnce(r.url, { counts: true });
          socket.close();
          return initial.hosts.length === HOSTS;
        },
        { timeoutMs: 120_000, message: 'replicas follow every host' },
      );
    out(`fleet: ${HOSTS} hosts × ${CONTAINERS} containers = ${HOSTS * CONTAINERS}`);

    const seed: { ms: number; bytes: number }[] = [];
    const view: { ms: number; bytes: number }[] = [];
    for (let i = 0; i < CONNECTS; i++) {
      for (const [mode, into] of [
        [undefined, seed],
        [firstScreen, view],
      ] as const) {
        const r = await connectOnce(replicas[0].url, mode);
        r.socket.close();
        into.push({ ms: r.ms, bytes: r.bytes });
        if (i === 0)
          out(
            `${mode ? 'view' : 'seed'}: ${r.initial.containers.length} containers, ${r.initial.hosts.length} hosts in initial_state`,
          );
      }
    }
    for (const [name, runs] of [
      ['seed initial_state (every container)', seed],
      ['view (hosts + counts + 1 host)', view],
    ] as const) {
      const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
      out(
        `${name}: connect → initial_state p50 ${percentile(ms, 50).toFixed(0)} ms, max ${ms[ms.length - 1].toFixed(0)} ms; ${runs[0].bytes.toLocaleString('en-US')} bytes received`,
      );
    }

    // The storm.
    const [doomed, survivor] = replicas;
    const clients: Socket[] = [];
    for (let i = 0; i < CLIENTS; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, CLIENTS - i) }, () =>
          connectOnce(doomed.url, firstScreen),
        ),
      );
      clients.push(...batch.map((b) => b.socket));
    }
    out(`storm: ${clients.length} clients with a view connected to replica 1`);
    const rssBefore = statusMiB(survivor.pid, 'VmRSS');
    let served = 0;
    const allServed = new Promise<void>((resolve, reject) => {
      for (const socket of clients) {
        socket.once('disconnect', () => {
          connectOnce(survivor.url, firstScreen).then(
            (r) => {
              clients.push(r.socket);
              if (++served === CLIENTS) resolve();
            },
            (error: unknown) => reject(error as Error),
          );
        });
      }
    });
    let peak = rssBefore;
    const sampler = setInterval(
      () => (peak = Math.max(peak, statusMiB(survivor.pid, 'VmRSS'))),
      50,
    );
    const cpuBefore = cpuSeconds(survivor.pid);
    const killedAt = performance.now();
    await doomed.kill();
    await allServed;
    const stormMs = performance.now() - killedAt;
    const cpu = cpuSeconds(survivor.pid) - cpuBefore;
    clearInterval(sampler);
    out(
      `storm: ${CLIENTS} clients with a view all served by the surviving replica ${(stormMs / 1000).toFixed(1)} s after the kill, using ${cpu.toFixed(1)} s of CPU for it (the clients parse in this one process); its RSS ${mib(rssBefore * 2 ** 20)} before, peak ${mib(peak * 2 ** 20)} (sampled every 50 ms), ${mib(statusMiB(survivor.pid, 'VmRSS') * 2 ** 20)} after`,
    );
    for (const socket of clients) socket.close();
  } finally {
    await Promise.allSettled(replicas.map((r) => r.close()));
    await bus.close();
    await redis.close();
  }
  out(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}`,
  );
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
