import { waitFor } from '@flotilla/testing';
import type { Socket as NetSocket } from 'node:net';
import { DEFAULT_TUNING } from '../src/core/gateway-tuning';
import {
  announceHost,
  changed,
  lineText,
  makeContainer,
  publishChange,
  uniqueHostId,
  writeLines,
} from './support/fleet-fixtures';
import { startHarness, TEST_TUNING, type Harness } from './support/gateway-harness';
import { startReplicaChild, type ReplicaChild } from './support/replica-child';
import { TestClient } from './support/test-client';

jest.setTimeout(120_000);

const TOTAL_LINES = 200_000;
const PER_BATCH = 1_000;
const LINE_PADDING = 200;
const MiB = 1024 * 1024;
/** The agent's largest log batch (one stream entry), which an update never splits. */
const MAX_ENTRY_BYTES = 256 * 1024;
/**
 * The stated bound: a socket's queue never exceeds the cap plus one update, an update being at
 * most max(maxUpdateBytes, one entry) of text, plus its JSON framing.
 */
const QUEUE_BOUND =
  DEFAULT_TUNING.socketBufferCapBytes +
  Math.max(DEFAULT_TUNING.maxUpdateBytes, MAX_ENTRY_BYTES) * 1.1;
/** The replica's RSS may grow by this much at most while ~50 MiB of log flow past a client that reads nothing. */
const RSS_BOUND = 64 * MiB;
/** What stays allocated after a full GC (heap + external) may grow by this much at most. */
const RETAINED_BOUND = 16 * MiB;

/** The TCP socket under a socket.io-client connection (engine.io websocket transport → ws). */
function tcpSocketOf(client: TestClient): NetSocket {
  const engine = client.socket.io.engine as unknown as {
    transport: { ws: { _socket: NetSocket } };
  };
  return engine.transport.ws._socket;
}

async function overflowedSockets(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = /^flotilla_gateway_overflowed_sockets_total (\d+)$/m.exec(text);
  if (!line) throw new Error('no overflowed_sockets metric');
  return Number(line[1]);
}

describe('gateway slow clients (I5)', () => {
  let h: Harness;
  let replica: ReplicaChild;

  beforeAll(async () => {
    // ~50 MB of lines, all retained (past the default 16 MiB per container), so the repair of
    // what was dropped can be checked line by line.
    h = await startHarness({
      replicas: 0,
      retention: { containerBytes: 256 * 1024 * 1024, hostBytes: 512 * 1024 * 1024 },
    });
    // A replica in a process of its own, so its memory is measured apart from the test's writer and client.
    replica = await startReplicaChild(
      { REDIS_URL: h.redis.url, PORT: '0', LOG_LEVEL: 'warn', WEB_DIST: '/nonexistent' },
      { tuning: TEST_TUNING, exposeGc: true },
    );
  });

  afterAll(async () => {
    await replica?.close();
    await h?.close();
  });

  it('keeps memory bounded while a client stops reading, and marks every dropped line exactly', async () => {
    const host = uniqueHostId('flood');
    const container = makeContainer(host);
    const id = container.container_id;
    await announceHost(h.bus, host, [container]);
    const client = await TestClient.connect(replica.url);
    h.clients.push(client);
    await client.request('start_log_stream', { container_id: id, tail: 0 });
    await waitFor(async () =>
      (await replica.inspect()).logChannels.some((c) => c.key.endsWith(id)),
    );

    const tcp = tcpSocketOf(client);
    tcp.pause();
    const retained = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external;
    const before = await replica.memory();
    let maxQueue = 0;
    let maxRss = before.rss;
    let maxRetained = retained(before);
    let delivered = 0;
    const sample = async () => {
      const [inspection, memory] = await Promise.all([replica.inspect(), replica.memory()]);
      maxQueue = Math.max(maxQueue, ...Object.values(inspection.bufferedBytes));
      maxRss = Math.max(maxRss, memory.rss);
      maxRetained = Math.max(maxRetained, retained(memory));
      delivered = inspection.logChannels.find((c) => c.key.endsWith(id))?.delivered ?? 0;
    };
    let next = 1;
    while (next <= TOTAL_LINES) {
      next = await writeLines(h.bus, host, id, next, PER_BATCH * 10, {
        perBatch: PER_BATCH,
        width: LINE_PADDING,
      });
      await sample();
    }
    await waitFor(
      async () => {
        await sample();
        return delivered === TOTAL_LINES;
      },
      { timeoutMs: 60_000, message: 'the replica to have handled every line' },
    );
    const growth = maxRss - before.rss;
    const retainedGrowth = maxRetained - retained(before);
    console.log(
      `slow client: max queue ${(maxQueue / 1024).toFixed(0)} KiB (bound ${(QUEUE_BOUND / 1024).toFixed(0)} KiB), ` +
        `retained heap growth ${(retainedGrowth / MiB).toFixed(1)} MiB (bound ${RETAINED_BOUND / MiB} MiB), ` +
        `RSS growth ${(growth / MiB).toFixed(1)} MiB (bound ${RSS_BOUND / MiB} MiB), ` +
        `for ${TOTAL_LINES} lines of ~${LINE_PADDING + 40} B`,
    );
    expect(maxQueue).toBeLessThanOrEqual(QUEUE_BOUND);
    expect(retainedGrowth).toBeLessThanOrEqual(RETAINED_BOUND);
    expect(growth).toBeLessThanOrEqual(RSS_BOUND);

    tcp.resume();
    // Once the client reads again the queue drains and the marker follows; then a sentinel line
    // proves everything before it has arrived.
    await client.waitFor('log_update', (u) => u.container_id === id && u.gap !== undefined, 30_000);
    await writeLines(h.bus, host, id, TOTAL_LINES + 1, 1, { width: LINE_PADDING });
    await client.waitFor(
      'log_update',
      (u) => u.entries.some((e) => e.id === `${TOTAL_LINES + 1}-0`),
      30_000,
    );

    // Every line is either received, in order, or counted by the dropped marker right where it is missing.
    const updates = client.logUpdates(id);
    const markers = updates.filter((u) => u.gap);
    expect(markers.length).toBeGreaterThanOrEqual(1);
    let expected = 1;
    let received = 0;
    for (const update of updates) {
      if (update.gap) {
        expect(update.gap.reason).toBe('dropped');
        expect(update.gap.resume_after).toBe(`${expected - 1}-0`);
        expect(update.gap.lost).toBeGreaterThan(0);
        expect(update.log).toMatch(/skipped/);
        expected += update.gap.lost!;
        continue;
      }
      for (const line of update.log.split('\n').slice(0, -1)) {
        expect(line).toBe(`${lineText(expected)} ${'x'.repeat(LINE_PADDING)}`);
        expected++;
        received++;
      }
    }
    expect(expected).toBe(TOTAL_LINES + 2);
    console.log(
      `slow client: received ${received} lines, ${markers.length} dropped marker(s) for the other ${TOTAL_LINES - received}`,
    );

    // The client repairs from the first marker: restart after resume_after and drop what it held after it.
    const resumeAfter = markers[0].gap!.resume_after!;
    const kept = Number(resumeAfter.split('-')[0]);
    const repairedFrom = client.received.length;
    await client.request('start_log_stream', { container_id: id, after: resumeAfter });
    const repaired = () =>
      client.received
        .slice(repairedFrom)
        .filter((r) => r.event === 'log_update')
        .flatMap((r) => (r.payload as { log: string }).log.split('\n').slice(0, -1));
    await waitFor(() => repaired().length >= TOTAL_LINES + 1 - kept, {
      timeoutMs: 60_000,
      message: 'the repair',
    });
    const lines = repaired();
    expect(lines).toHaveLength(TOTAL_LINES + 1 - kept);
    expect(lines[0]).toBe(`${lineText(kept + 1)} ${'x'.repeat(LINE_PADDING)}`);
    expect(lines[lines.length - 1]).toBe(
      `${lineText(TOTAL_LINES + 1)} ${'x'.repeat(LINE_PADDING)}`,
    );
  });

  it('cuts a client that stops reading state changes, which go to every socket in one encoding, and keeps its peer whole', async () => {
    const host = uniqueHostId('bulky');
    // ~40 KB per change: 300 changes are more than the hard cap and the kernel's buffers hold.
    const labels = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`note.${i}`, 'x'.repeat(4_000)]),
    );
    let container = makeContainer(host, { labels });
    await announceHost(h.bus, host, [container]);
    const stalled = await TestClient.connect(replica.url);
    const reader = await TestClient.connect(replica.url);
    h.clients.push(stalled, reader);
    await stalled.waitFor('initial_state', (s) => s.containers.some((c) => c.host_id === host));
    await reader.waitFor('initial_state', (s) => s.containers.some((c) => c.host_id === host));
    const sockets = (await replica.inspect()).connections;
    const overflowsBefore = await overflowedSockets(replica.url);
    const cut = new Promise<string>((resolve) => stalled.socket.once('disconnect', resolve));

    const tcp = tcpSocketOf(stalled);
    tcp.pause();
    let maxQueue = 0;
    const CHANGES = 300;
    for (let i = 0; i < CHANGES; i++) {
      container = changed(container, { status: `change ${i}` });
      await publishChange(h.bus, container);
      if (i % 25 === 24) {
        const { bufferedBytes } = await replica.inspect();
        maxQueue = Math.max(maxQueue, ...Object.values(bufferedBytes));
      }
    }
    const last = container.revision;
    await reader.waitFor('container_state_change', (c) => c.revision === last, 30_000);
    await waitFor(async () => (await replica.inspect()).connections === sockets - 1, {
      timeoutMs: 30_000,
      message: 'the replica to have cut the client that reads nothing',
    });
    tcp.resume();
    await cut;
    expect(stalled.socket.connected).toBe(false);
    expect(reader.socket.connected).toBe(true);
    // Cut by the outbox for what was queued, not by a ping timeout.
    expect(await overflowedSockets(replica.url)).toBe(overflowsBefore + 1);
    // At most the hard cap plus one change (and its framing) was ever queued for it.
    expect(maxQueue).toBeLessThanOrEqual(DEFAULT_TUNING.socketHardCapBytes + 64 * 1024);
    // The peer that reads got every change, once, in order.
    const revisions = reader.received
      .filter((r) => r.event === 'container_state_change')
      .map((r) => r.payload as { revision: number; host_id: string })
      .filter((c) => c.host_id === host)
      .map((c) => c.revision);
    expect(revisions).toHaveLength(CHANGES);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    expect(revisions[CHANGES - 1]).toBe(last);
  });
});
