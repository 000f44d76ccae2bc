/**
 * A helper process of bench/fanout.ts: `count` socket.io clients spread over the replicas'
 * URLs. Each measures, for every `container_state_change`, the time from the change in the
 * (simulated) engine, stamped in the container's `started_at` / `finished_at`, to its receipt.
 * Configured by FANOUT_CLIENTS (JSON), steered over IPC.
 */
import type { ClientToServerEvents, Container, ServerToClientEvents } from '@flotilla/contracts';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

interface ClientsConfig {
  urls: string[];
  count: number;
  /** Offset of this worker's first client (spreads clients over replicas evenly). */
  first: number;
  connectConcurrency: number;
  /** Connect with a view of one host each (`auth.view`), round-robin over these; else the seed form. */
  viewHosts: string[];
}

type Request =
  | { op: 'reset' }
  | { op: 'report' }
  | { op: 'follow'; count: number }
  | { op: 'storm'; dead: string; alive: string[] }
  | { op: 'storm-status' }
  | { op: 'stop' };

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const MAX_MS = 120_000;
let histogram = new Uint32Array(MAX_MS + 1);
let measuring = false;
const totals = { changes: 0, logLines: 0, counts: 0, errors: 0, disconnects: 0 };
/** Size of the first `initial_state` this worker received (JSON bytes, as sent). */
let initialBytes = 0;
let firstDisconnectAt = 0;
let cpuAtReset: NodeJS.CpuUsage | undefined;
/** This worker's own event-loop delay: a starved worker times its sockets out by itself. */
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
let sampledCountsBytes: number[] = [];
/** Why sockets were disconnected (socket.io's reason), over the worker's life. */
const reasons: Record<string, number> = {};

function changeTime(c: Container): string | null {
  return c.state === 'running' ? c.started_at : c.state === 'exited' ? c.finished_at : null;
}

function connect(
  url: string,
  viewHost: string | undefined,
  onInitial: (containers: Container[]) => void,
): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    transports: ['websocket'],
    reconnection: true,
    forceNew: true,
    auth: viewHost === undefined ? {} : { view: { counts: true, hosts: [viewHost] } },
    // Under load a 20,000-container initial_state takes long to build, send and parse.
    timeout: 300_000,
  });
  socket.on('container_state_change', (c) => {
    if (!measuring) return;
    const at = changeTime(c);
    if (at === null) return;
    const ms = Math.min(MAX_MS, Math.max(0, Date.now() - Date.parse(at)));
    histogram[Math.round(ms)]++;
    totals.changes++;
  });
  socket.on('log_update', (u) => {
    if (measuring) totals.logLines += u.entries.reduce((n, e) => n + e.n, 0);
  });
  socket.on('counts_update', (u) => {
    if (!measuring) return;
    totals.counts++;
    // Sizing every message would cost this worker more than the sockets do: one in 100.
    if (totals.counts % 100 === 0) sampledCountsBytes.push(Buffer.byteLength(JSON.stringify(u)));
  });
  socket.on('error', () => totals.errors++);
  socket.on('disconnect', (reason) => {
    totals.disconnects++;
    firstDisconnectAt ||= Date.now();
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  });
  return new Promise((resolve, reject) => {
    socket.once('initial_state', (s) => {
      if (initialBytes === 0) initialBytes = Buffer.byteLength(JSON.stringify(s));
      onInitial(s.containers);
      resolve(socket);
    });
    socket.once('connect_error', reject);
  });
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.FANOUT_CLIENTS ?? '') as ClientsConfig;
  const sockets: ClientSocket[] = [];
  const homes = new Map<ClientSocket, { url: string; viewHost: string | undefined }>();
  /** The storm: sockets of the killed replica not yet served again, and when the last one was. */
  const storm = { waiting: 0, failed: 0, lastServedAt: 0 };
  let running: Container[] = [];
  const started = Date.now();
  const connectTimes: number[] = [];
  let next = 0;
  const lanes = Array.from({ length: config.connectConcurrency }, async () => {
    while (next < config.count) {
      const i = next++;
      const t0 = Date.now();
      const url = config.urls[(config.first + i) % config.urls.length];
      const hosts = config.viewHosts;
      const viewHost = hosts.length > 0 ? hosts[(config.first + i) % hosts.length] : undefined;
      const socket = await connect(url, viewHost, (containers) => {
        if (running.length === 0) running = containers.filter((c) => c.state === 'running');
      });
      sockets.push(socket);
      homes.set(socket, { url, viewHost });
      connectTimes.push(Date.now() - t0);
    }
  });
  await Promise.all(lanes);
  const send = (message: unknown): void => void process.send?.(message);
  send({ ready: { connectedMs: Date.now() - started, connectTimes, initialBytes } });
  // The bench went away (killed): nothing is left to report to.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (request: Request) => {
    switch (request.op) {
      case 'reset':
        histogram = new Uint32Array(MAX_MS + 1);
        sampledCountsBytes = [];
        cpuAtReset = process.cpuUsage();
        for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] = 0;
        measuring = true;
        return;
      case 'follow':
        // Each of the first `count` clients follows the logs of one running container.
        for (let i = 0; i < Math.min(request.count, sockets.length) && running.length > 0; i++) {
          const c = running[(config.first + i) % running.length];
          sockets[i].emit('start_log_stream', { container_id: c.container_id, host_id: c.host_id });
        }
        return;
      case 'storm': {
        // The replica at `dead` was killed: as behind a load balancer, each of its clients
        // connects again at once, to the survivors round-robin, with the same view.
        let k = 0;
        for (const [i, socket] of sockets.entries()) {
          const home = homes.get(socket)!;
          if (home.url !== request.dead) continue;
          storm.waiting++;
          socket.close();
          const url = request.alive[k++ % request.alive.length];
          connect(url, home.viewHost, () => undefined).then(
            (fresh) => {
              sockets[i] = fresh;
              homes.set(fresh, { url, viewHost: home.viewHost });
              storm.waiting--;
              storm.lastServedAt = Date.now();
            },
            () => {
              storm.waiting--;
              storm.failed++;
            },
          );
        }
        return;
      }
      case 'storm-status':
        send({ stormStatus: { ...storm, rss: process.memoryUsage().rss } });
        return;
      case 'report': {
        const buckets: [number, number][] = [];
        histogram.forEach((n, ms) => n > 0 && buckets.push([ms, n]));
        send({
          report: {
            buckets,
            totals,
            rss: process.memoryUsage().rss,
            cpu: process.cpuUsage(cpuAtReset),
            connected: sockets.filter((s) => s.connected).length,
            reasons,
            countsBytes: sampledCountsBytes,
            firstDisconnectAt,
            loopDelayMaxMs: loopDelay.max / 1e6,
            loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
          },
        });
        return;
      }
      case 'stop':
        for (const s of sockets) s.disconnect();
        process.exit(0);
    }
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`fan-out clients failed: ${String(error)}\n`);
  process.exit(1);
});
