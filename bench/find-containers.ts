/**
 * What `find_containers` costs at fleet scale: the round trip (emit → ack) of queries that match
 * one container in a name, one per host, every container, or none, on a replica that follows
 * HOSTS × CONTAINERS compose-labelled containers (written into Redis as agents write them).
 *
 *   node -r ./apps/gateway/test/support/ts-hook.js bench/find-containers.ts \
 *     HOSTS=200 CONTAINERS=100 ROUNDS=20
 */
import { loadavg } from 'node:os';
import type {
  ClientToServerEvents,
  FindContainersAck,
  InitialStatePayload,
  ServerToClientEvents,
} from '@flotilla/contracts';
import { createRedisBus } from '@flotilla/bus';
import { startRedis, waitFor } from '@flotilla/testing';
import { io, type Socket } from 'socket.io-client';
import { hostInfo } from '../apps/gateway/test/support/fleet-fixtures';
import { startReplicaChild } from '../apps/gateway/test/support/replica-child';
import { percentile, setting } from './gateway-bench-kit';
import { container, hostId } from './sample-fleet';

const HOSTS = Number(setting('HOSTS', '200'));
const CONTAINERS = Number(setting('CONTAINERS', '100'));
const ROUNDS = Number(setting('ROUNDS', '20'));
const out = (line: string): void => void process.stdout.write(`${line}\n`);

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

async function connect(url: string): Promise<{ socket: Client; initial: InitialStatePayload }> {
  const socket: Client = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { view: { counts: true } },
  });
  const initial = await new Promise<InitialStatePayload>((resolve, reject) => {
    socket.once('initial_state', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, initial };
}

function find(socket: Client, q: string, limit: number): Promise<FindContainersAck> {
  return new Promise((resolve) => socket.emit('find_containers', { q, limit }, resolve));
}

async function main(): Promise<void> {
  const load = (): string =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ');
  out(`load average at start: ${load()}`);
  const redis = await startRedis();
  const bus = createRedisBus({ url: redis.url, name: 'bench' });
  for (let h = 0; h < HOSTS; h++) {
    await bus.hosts.announce(hostInfo(hostId(h)));
    await bus.hosts.beat(hostId(h));
    await bus.snapshots.replace(
      hostId(h),
      Array.from({ length: CONTAINERS }, (_, n) => container(h, n)),
    );
  }
  const env = { REDIS_URL: redis.url, PORT: '0', LOG_LEVEL: 'warn', WEB_DIST: '/nonexistent' };
  // The bench's rounds are far beyond a page's typing: no token bucket in the way.
  const replica = await startReplicaChild(env, {
    tuning: { streamRequestBurst: 1_000_000, streamRequestsPerSecond: 1_000_000 },
  });
  try {
    await waitFor(
      async () => {
        const { initial, socket } = await connect(replica.url);
        socket.close();
        return initial.hosts.length === HOSTS;
      },
      { timeoutMs: 120_000, message: 'the replica follows every host' },
    );
    out(`fleet: ${HOSTS} hosts × ${CONTAINERS} containers = ${HOSTS * CONTAINERS}`);
    const { socket } = await connect(replica.url);
    const queries: [string, string, number][] = [
      ['one exact name (+ its namesakes)', 'stack-3-service-13-1', 50],
      ['one per host (name infix)', 'service-42-', 50],
      ['every container, best 50', 'stack', 50],
      ['every container, best 200', 'stack', 200],
      ['none (full scan)', 'no-such-thing', 50],
      ['an id prefix', container(7, 3).container_id.slice(0, 12), 50],
    ];
    for (const [name, q, limit] of queries) {
      for (let i = 0; i < 3; i++) await find(socket, q, limit);
      const ms: number[] = [];
      let last: FindContainersAck | undefined;
      for (let i = 0; i < ROUNDS; i++) {
        const start = performance.now();
        last = await find(socket, q, limit);
        ms.push(performance.now() - start);
      }
      ms.sort((a, b) => a - b);
      const found =
        last?.status === 'ok' ? `${last.containers.length}${last.more ? '+' : ''}` : '?';
      out(
        `${name} (q=${JSON.stringify(q)}, limit ${limit}): ${found} found; emit → ack p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms, ${Buffer.byteLength(JSON.stringify(last)).toLocaleString('en-US')} bytes`,
      );
    }
    socket.close();
  } finally {
    await replica.close();
    await bus.close();
    await redis.close();
  }
  out(`load average at end: ${load()}`);
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
