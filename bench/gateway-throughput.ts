/**
 * Log throughput, end to end: one container floods N lines (awk) and viewers count what arrives.
 *
 *   1. one client through Flotilla (agent → Redis → replica → socket) vs dockerode following the
 *      same kind of container directly;
 *   2. 1, 10 and 100 viewers spread over two replicas, vs a seed-style server (one Docker stream
 *      per viewer, one emit per line).
 *
 * Run: node -r ./apps/gateway/test/support/ts-hook.js bench/gateway-throughput.ts [lines] [viewers,...]
 */
import Docker from 'dockerode';
import {
  CountingClient,
  directFollow,
  floodAfterGo,
  startFleet,
  startTsChild,
  stopChild,
  touch,
  waitFor,
  withTimeout,
  type Fleet,
} from './gateway-bench-kit';

const SOLO_LINES = Number(process.argv[2] ?? 100_000);
const VIEWERS = (process.argv[3] ?? '1,10,100').split(',').map(Number);
const SHARED_LINES = 20_000;

interface Run {
  seconds: number;
  perViewer: number;
  aggregate: number;
}

async function known(fleet: Fleet, id: string): Promise<void> {
  await waitFor(async () => (await fleet.bus.snapshots.get(fleet.hostId, id)) !== null, {
    timeoutMs: 20_000,
    message: 'container known',
  });
}

async function measure(
  clients: CountingClient[],
  container: Docker.Container,
  lines: number,
): Promise<Run> {
  await withTimeout(
    Promise.all(clients.map((c) => c.ready())),
    30_000,
    'every viewer got the ready line',
  );
  const base = clients.map((c) => c.lines);
  const started = process.hrtime.bigint();
  await touch(container, '/tmp/go');
  await withTimeout(
    Promise.all(clients.map((c, i) => c.reach(base[i] + lines))),
    300_000,
    'every viewer got every line',
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, perViewer: lines / seconds, aggregate: (lines * clients.length) / seconds };
}

async function flotilla(fleet: Fleet, viewers: number, lines: number): Promise<Run> {
  const container = await floodAfterGo(fleet.containers, lines);
  await known(fleet, container.id);
  const clients: CountingClient[] = [];
  for (let i = 0; i < viewers; i++)
    clients.push(await CountingClient.connect(fleet.replicas[i % fleet.replicas.length].url));
  try {
    await Promise.all(clients.map((c) => c.start(container.id)));
    return await measure(clients, container, lines);
  } finally {
    for (const c of clients) c.close();
    await fleet.containers.remove(container.id);
  }
}

async function direct(fleet: Fleet, lines: number): Promise<Run> {
  const docker = new Docker();
  const container = await floodAfterGo(fleet.containers, lines);
  const follow = await directFollow(docker, container, lines);
  try {
    await withTimeout(follow.ready, 30_000, 'ready line');
    const started = process.hrtime.bigint();
    await touch(container, '/tmp/go');
    await withTimeout(follow.done, 300_000, 'every line');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { seconds, perViewer: lines / seconds, aggregate: lines / seconds };
  } finally {
    follow.close();
    await fleet.containers.remove(container.id);
  }
}

async function seedStyle(
  fleet: Fleet,
  viewers: number,
  lines: number,
): Promise<Run & { dockerStreams: number }> {
  const server = startTsChild('bench/gateway-seed-baseline-server.ts', {});
  const port = await new Promise<number>((resolve) =>
    server.on('message', (m: { port?: number }) => {
      if (m.port) resolve(m.port);
    }),
  );
  const container = await floodAfterGo(fleet.containers, lines);
  const clients: CountingClient[] = [];
  try {
    for (let i = 0; i < viewers; i++)
      clients.push(await CountingClient.connect(`http://127.0.0.1:${port}`));
    await Promise.all(clients.map((c) => c.start(container.id)));
    const streams = new Promise<number>((resolve) =>
      server.on('message', (m: { streams?: number }) => {
        if (m.streams !== undefined) resolve(m.streams);
      }),
    );
    server.send('streams');
    const dockerStreams = await streams;
    return { ...(await measure(clients, container, lines)), dockerStreams };
  } finally {
    for (const c of clients) c.close();
    await stopChild(server);
    await fleet.containers.remove(container.id);
  }
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const fleet = await startFleet(2);
  try {
    const d = await direct(fleet, SOLO_LINES);
    const f = await flotilla(fleet, 1, SOLO_LINES);
    console.log(`\n## One flooding container, one viewer, ${fmt(SOLO_LINES)} lines`);
    console.log(`dockerode direct : ${d.seconds.toFixed(2)} s  ${fmt(d.perViewer)} lines/s`);
    console.log(
      `Flotilla         : ${f.seconds.toFixed(2)} s  ${fmt(f.perViewer)} lines/s  (ratio ${(f.perViewer / d.perViewer).toFixed(2)})`,
    );

    console.log(`\n## Viewers of one flooding container, ${fmt(SHARED_LINES)} lines`);
    console.log(
      '| viewers | Flotilla (2 replicas) s | per viewer lines/s | aggregate lines/s | seed-style s | per viewer lines/s | aggregate lines/s | seed Docker streams |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const viewers of VIEWERS) {
      const fl = await flotilla(fleet, viewers, SHARED_LINES);
      const seed = await seedStyle(fleet, viewers, SHARED_LINES);
      console.log(
        `| ${viewers} | ${fl.seconds.toFixed(2)} | ${fmt(fl.perViewer)} | ${fmt(fl.aggregate)} | ${seed.seconds.toFixed(2)} | ${fmt(seed.perViewer)} | ${fmt(seed.aggregate)} | ${seed.dockerStreams} |`,
      );
    }
  } finally {
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
