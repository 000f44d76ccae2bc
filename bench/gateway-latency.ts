/**
 * State-change latency: N clients on two replicas; an agent-like writer publishes container
 * changes (snapshot upsert + event append, as the agent does) at a steady rate; each client
 * records publish-to-receive time of every `container_state_change`.
 *
 * Run: node -r ./apps/gateway/test/support/ts-hook.js bench/gateway-latency.ts [clients] [changes] [per-second]
 */
import { randomBytes } from 'node:crypto';
import type { Container } from '@flotilla/contracts';
import { sampleContainer } from '@flotilla/contracts/testing';
import { io, type Socket } from 'socket.io-client';
import { percentile, startFleet, waitFor } from './gateway-bench-kit';

const CLIENTS = Number(process.argv[2] ?? 1_000);
const CHANGES = Number(process.argv[3] ?? 200);
const PER_SECOND = Number(process.argv[4] ?? 10);

function container(hostId: string, revision: number, sentAt: number): Container {
  return sampleContainer({
    container_id: 'c'.repeat(64),
    host_id: hostId,
    name: 'latency-probe',
    status: `sent ${sentAt}`,
    revision,
  });
}

async function main(): Promise<void> {
  const fleet = await startFleet(2, { agent: false });
  const hostId = `latency-${randomBytes(3).toString('hex')}`;
  await fleet.bus.hosts.announce({
    host_id: hostId,
    labels: {},
    agent_version: 'bench',
    started_at: new Date().toISOString(),
    engine: { reachable: true, version: null, address: 'bench', error: null },
  });
  await fleet.bus.hosts.beat(hostId);
  await fleet.bus.snapshots.replace(hostId, [container(hostId, 1, 0)]);
  const latencies: number[] = [];
  const sockets: Socket[] = [];
  try {
    const connectStarted = Date.now();
    for (let i = 0; i < CLIENTS; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, CLIENTS - i) }, (_, j) => {
          const socket = io(fleet.replicas[(i + j) % 2].url, {
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
          });
          socket.on('container_state_change', (c: Container) => {
            const sentAt = Number(c.status.slice(5));
            if (sentAt > 0) latencies.push(performance.timeOrigin + performance.now() - sentAt);
          });
          return new Promise<Socket>((resolve, reject) => {
            socket.once('initial_state', () => resolve(socket));
            socket.once('connect_error', reject);
          });
        }),
      );
      sockets.push(...batch);
    }
    const connectSeconds = (Date.now() - connectStarted) / 1000;
    await waitFor(async () => {
      const all = await Promise.all(fleet.replicas.map((r) => r.inspect()));
      return all.every((x) => x.followedKeys.length > 0);
    });
    for (let n = 1; n <= CHANGES; n++) {
      const sentAt = performance.timeOrigin + performance.now();
      const c = container(hostId, n + 1, sentAt);
      await fleet.bus.snapshots.upsert(c);
      await fleet.bus.events.append(hostId, { v: 1, type: 'container', container: c });
      await new Promise((resolve) => setTimeout(resolve, 1000 / PER_SECOND));
    }
    await waitFor(() => latencies.length >= CLIENTS * CHANGES, {
      timeoutMs: 30_000,
      message: 'every change at every client',
    });
    latencies.sort((a, b) => a - b);
    console.log(
      `\n## State-change latency, ${CLIENTS} clients on 2 replicas, ${CHANGES} changes at ${PER_SECOND}/s`,
    );
    console.log(`connect + initial_state for all clients: ${connectSeconds.toFixed(1)} s`);
    console.log(`deliveries: ${latencies.length} (expected ${CLIENTS * CHANGES})`);
    console.log(
      `p50 ${percentile(latencies, 50).toFixed(1)} ms, p90 ${percentile(latencies, 90).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms`,
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
