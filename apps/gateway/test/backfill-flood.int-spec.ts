import { waitFor } from '@flotilla/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_TUNING } from '../src/core/gateway-tuning';
import {
  announceHost,
  lineText,
  makeContainer,
  uniqueHostId,
  writeLines,
} from './support/fleet-fixtures';
import { startHarness, TEST_TUNING, type Harness } from './support/gateway-harness';
import { startReplicaChild, type ReplicaChild } from './support/replica-child';
import { TestClient } from './support/test-client';

/*
 * A hostile client that stops reading (but keeps its connection alive by answering pings) and
 * asks for the largest backfill again and again. The defaults are the shortened run of
 * npm test; the benchmark in docs/benchmarks.md sets FLOOD_SECONDS=60 and FLOOD_SOCKETS=1 or 4.
 */
const FLOOD_SECONDS = Number(process.env.FLOOD_SECONDS ?? 30);
const FLOOD_SOCKETS = Number(process.env.FLOOD_SOCKETS ?? 2);
const REQUEST_EVERY_MS = 250;
/** Engine.io pong packets sent unasked: they hold off the server's ping, so it never times out. */
const PONG_EVERY_MS = 3_000;
const STORED_LINES = 20_000;
const LINE_PADDING = 200;
const MiB = 1024 * 1024;
/**
 * The stated bounds while the attack runs. Each socket holds at most its queue (under
 * socketHardCapBytes) plus one backfill page (about 512 KiB of text, held twice while it is cut
 * into updates); the RSS bound adds the allocator's slack and the Redis clients' buffers.
 */
const RETAINED_BOUND = 8 * MiB + FLOOD_SOCKETS * (DEFAULT_TUNING.socketHardCapBytes + 2 * MiB);
const RSS_BOUND = 16 * MiB + FLOOD_SOCKETS * 2 * DEFAULT_TUNING.socketHardCapBytes;
/** After the sockets close, the replica's RSS must be back within this much of its baseline. */
const AFTER_CLOSE_BOUND = 16 * MiB;

jest.setTimeout((FLOOD_SECONDS + 120) * 1000);

interface Attacker {
  client: TestClient;
  acks: number;
  stop(): void;
}

/** Stops reading its TCP socket, answers the server's pings unasked, and floods start_log_stream. */
function attack(client: TestClient, containerId: string): Attacker {
  const engine = client.socket.io.engine as unknown as {
    transport: { ws: { send(data: string): void; pause(): void; resume(): void } };
    _pingTimeoutTimer: NodeJS.Timeout;
    _pingTimeoutTime: number;
    _resetPingTimeout(): void;
  };
  // A client that reads nothing sees no pings; this one does not hang up over it.
  clearTimeout(engine._pingTimeoutTimer);
  engine._pingTimeoutTime = Infinity;
  engine._resetPingTimeout = () => undefined;
  const ws = engine.transport.ws;
  // ws's own pause: the socket is not resumed behind its back when the parser drains.
  ws.pause();
  const attacker: Attacker = {
    client,
    acks: 0,
    stop: () => {
      clearInterval(requests);
      clearInterval(pongs);
      ws.resume();
    },
  };
  const requests = setInterval(() => {
    client.socket.emit('start_log_stream', { container_id: containerId, tail: 10_000 }, () => {
      attacker.acks++;
    });
  }, REQUEST_EVERY_MS);
  const pongs = setInterval(() => ws.send('3'), PONG_EVERY_MS);
  return attacker;
}

describe('gateway: a client that stops reading and repeats start_log_stream (I5)', () => {
  let h: Harness;
  let replica: ReplicaChild;

  beforeAll(async () => {
    h = await startHarness({ replicas: 0 });
    replica = await startReplicaChild(
      { REDIS_URL: h.redis.url, PORT: '0', LOG_LEVEL: 'error', WEB_DIST: '/nonexistent' },
      { tuning: TEST_TUNING, exposeGc: true },
    );
  });

  afterAll(async () => {
    await replica?.close();
    await h?.close();
  });

  it(`keeps the replica's RSS bounded: ${FLOOD_SOCKETS} socket(s), tail 10,000 every ${REQUEST_EVERY_MS} ms for ${FLOOD_SECONDS} s`, async () => {
    const host = uniqueHostId('backfill');
    const container = makeContainer(host);
    const id = container.container_id;
    await announceHost(h.bus, host, [container]);
    let next = await writeLines(h.bus, host, id, 1, STORED_LINES, {
      perBatch: 100,
      width: LINE_PADDING,
    });

    // A reader first: the backfill is exactly the newest 10,000 lines, and the replica has
    // loaded everything a backfill needs before its baseline is taken.
    const reader = await TestClient.connect(replica.url);
    h.clients.push(reader);
    await reader.request('start_log_stream', { container_id: id, tail: 10_000 });
    const lines = await reader.waitForLines(id, 10_000, 30_000);
    expect(lines[0]).toBe(`${lineText(next - 10_000)} ${'x'.repeat(LINE_PADDING)}`);
    expect(lines[lines.length - 1]).toBe(`${lineText(next - 1)} ${'x'.repeat(LINE_PADDING)}`);
    reader.close();
    await waitFor(async () => (await replica.inspect()).connections === 0);

    const baseline = await replica.memory();
    const attackers: Attacker[] = [];
    for (let i = 0; i < FLOOD_SOCKETS; i++) {
      const client = await TestClient.connect(replica.url);
      h.clients.push(client);
      attackers.push(attack(client, id));
    }
    const retained = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external;
    let maxRss = baseline.rss;
    let maxRetained = retained(baseline);
    let maxQueue = 0;
    const started = Date.now();
    try {
      while (Date.now() - started < FLOOD_SECONDS * 1000) {
        // The container keeps flooding while the attack runs: 200 lines every 250 ms.
        next = await writeLines(h.bus, host, id, next, 200, { perBatch: 50, width: LINE_PADDING });
        const [memory, inspection] = await Promise.all([replica.memory(), replica.inspect()]);
        maxRss = Math.max(maxRss, memory.rss);
        maxRetained = Math.max(maxRetained, retained(memory));
        maxQueue = Math.max(maxQueue, ...Object.values(inspection.bufferedBytes), 0);
        await sleep(REQUEST_EVERY_MS);
      }
    } finally {
      for (const a of attackers) a.stop();
    }
    const connectionsDuring = (await replica.inspect()).connections;

    for (const a of attackers) a.client.close();
    await waitFor(async () => (await replica.inspect()).connections === 0, {
      timeoutMs: 30_000,
      message: 'the attackers to be gone',
    });
    const after = await replica.memory();
    const growth = maxRss - baseline.rss;
    const retainedGrowth = maxRetained - retained(baseline);
    const left = after.rss - baseline.rss;
    console.log(
      `backfill flood, ${FLOOD_SOCKETS} socket(s), ${FLOOD_SECONDS} s: RSS ${(baseline.rss / MiB).toFixed(0)} → max ` +
        `${(maxRss / MiB).toFixed(0)} MiB (growth ${(growth / MiB).toFixed(1)}, bound ${(RSS_BOUND / MiB).toFixed(0)}), ` +
        `${(after.rss / MiB).toFixed(0)} MiB after close; retained heap growth ${(retainedGrowth / MiB).toFixed(1)} MiB ` +
        `(bound ${(RETAINED_BOUND / MiB).toFixed(0)}); max queue ${(maxQueue / 1024).toFixed(0)} KiB; ` +
        `acks ${attackers.map((a) => a.acks).join('/')}; connections during ${connectionsDuring}`,
    );
    expect(retainedGrowth).toBeLessThanOrEqual(RETAINED_BOUND);
    expect(growth).toBeLessThanOrEqual(RSS_BOUND);
    expect(maxQueue).toBeLessThanOrEqual(DEFAULT_TUNING.socketHardCapBytes + 64 * 1024);
    expect(left).toBeLessThanOrEqual(AFTER_CLOSE_BOUND);
  });
});
