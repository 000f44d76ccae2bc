/**
 * Memory per idle connection: one replica in its own process (run with --expose-gc), measured
 * after a full GC before and after N clients connect and receive `initial_state`.
 *
 * Run: node -r ./apps/gateway/test/support/ts-hook.js bench/gateway-idle-rss.ts [clients]
 */
import { io, type Socket } from 'socket.io-client';
import { mib, startFleet, startTsChild, stopChild, waitFor } from './gateway-bench-kit';

const CLIENTS = Number(process.argv[2] ?? 1_000);

/** The same measure on the seed-style server (plain Socket.IO, nothing per socket): the floor. */
async function baseline(): Promise<void> {
  const server = startTsChild('bench/gateway-seed-baseline-server.ts', {}, { exposeGc: true });
  const messages: ((m: Record<string, unknown>) => void)[] = [];
  server.on('message', (m: Record<string, unknown>) => messages.shift()?.(m));
  const next = () => new Promise<Record<string, unknown>>((resolve) => messages.push(resolve));
  const { port } = (await next()) as { port: number };
  const memory = async () => {
    const answer = next();
    server.send('memory');
    return (await answer) as { memory: NodeJS.MemoryUsage; sockets: number };
  };
  const sockets: Socket[] = [];
  try {
    const connect = async (count: number) => {
      for (let i = 0; i < count; i += 50) {
        sockets.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(50, count - i) }, () => {
              const socket = io(`http://127.0.0.1:${port}`, {
                transports: ['websocket'],
                reconnection: false,
                forceNew: true,
              });
              return new Promise<Socket>((resolve, reject) => {
                socket.once('connect', () => resolve(socket));
                socket.once('connect_error', reject);
              });
            }),
          )),
        );
      }
      await waitFor(async () => (await memory()).sockets === sockets.length);
      return (await memory()).memory;
    };
    const m0 = (await memory()).memory;
    const m1 = await connect(CLIENTS);
    const m2 = await connect(CLIENTS);
    const per = (a: number, b: number) => `${((b - a) / CLIENTS / 1024).toFixed(1)} KiB`;
    console.log(
      `\n## Baseline: plain Socket.IO server, ${CLIENTS} then ${2 * CLIENTS} idle connections (after full GC)`,
    );
    console.log(`RSS      ${per(m0.rss, m1.rss)}, then ${per(m1.rss, m2.rss)} per connection`);
    console.log(
      `heapUsed ${per(m0.heapUsed, m1.heapUsed)}, then ${per(m1.heapUsed, m2.heapUsed)} per connection`,
    );
  } finally {
    for (const s of sockets) s.disconnect();
    await stopChild(server);
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--baseline')) return baseline();
  const fleet = await startFleet(1, { agent: false });
  const replica = fleet.replicas[0];
  const sockets: Socket[] = [];
  try {
    // Warm up (first connection loads code paths), then measure.
    const warm = io(replica.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    await new Promise((resolve) => warm.once('initial_state', resolve));
    warm.disconnect();
    await waitFor(async () => (await replica.inspect()).connections === 0);
    const connect = async (count: number) => {
      for (let i = 0; i < count; i += 50) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(50, count - i) }, () => {
            const socket = io(replica.url, {
              transports: ['websocket'],
              reconnection: false,
              forceNew: true,
            });
            return new Promise<Socket>((resolve, reject) => {
              socket.once('initial_state', () => resolve(socket));
              socket.once('connect_error', reject);
            });
          }),
        );
        sockets.push(...batch);
      }
      await waitFor(async () => (await replica.inspect()).connections === sockets.length);
      return replica.memory();
    };
    const m0 = await replica.memory();
    const m1 = await connect(CLIENTS);
    const m2 = await connect(CLIENTS);
    const per = (a: number, b: number) => `${((b - a) / CLIENTS / 1024).toFixed(1)} KiB`;
    console.log(
      `\n## Idle connections on one replica (after full GC), ${CLIENTS} then ${2 * CLIENTS}`,
    );
    console.log(
      `RSS             ${mib(m0.rss)} -> ${mib(m1.rss)} -> ${mib(m2.rss)}: ${per(m0.rss, m1.rss)}, then ${per(m1.rss, m2.rss)} per connection`,
    );
    console.log(
      `heapUsed        ${mib(m0.heapUsed)} -> ${mib(m1.heapUsed)} -> ${mib(m2.heapUsed)}: ${per(m0.heapUsed, m1.heapUsed)}, then ${per(m1.heapUsed, m2.heapUsed)} per connection`,
    );
    console.log(
      `external+arrays ${mib(m0.external)} -> ${mib(m2.external)}: ${per(m0.external, m2.external).replace(' KiB', '')} KiB per 2 connections`,
    );
  } finally {
    for (const s of sockets) s.disconnect();
    await fleet.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
