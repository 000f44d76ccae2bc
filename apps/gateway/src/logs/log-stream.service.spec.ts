import type { Container } from '@flotilla/contracts';
import {
  announceHost,
  expectedRange,
  makeContainer,
  writeLines,
} from '../../test/support/fleet-fixtures';
import { MemoryReplica, type RecordingSocket } from '../../test/support/memory-replica';

const HOST = 'host-a';

/** Every line the socket received for the container, in order (gap markers carry none). */
function linesOf(socket: RecordingSocket, container: Container): string[] {
  return socket
    .all('log_update')
    .filter((u) => u.container_id === container.container_id && u.log !== '')
    .flatMap((u) => u.log.replace(/\n$/, '').split('\n'));
}

async function receivedLines(socket: RecordingSocket, container: Container, count: number) {
  await socket.waitFor('log_update', () => linesOf(socket, container).length >= count);
  return linesOf(socket, container);
}

describe('LogStreamService: backfill, catch-up and live delivery over the in-memory bus', () => {
  let replica: MemoryReplica;
  let container: Container;

  beforeEach(async () => {
    replica = new MemoryReplica();
    container = makeContainer(HOST);
    await announceHost(replica.bus, HOST, [container]);
    await replica.start();
  });

  afterEach(() => replica.close());

  it('sends the last `tail` lines, then every new line once, in order', async () => {
    await writeLines(replica.bus, HOST, container.container_id, 1, 30);
    const [connection, socket] = replica.connect('a');
    await replica.logs.start(connection, { container_id: container.container_id, tail: 5 });
    expect(await receivedLines(socket, container, 5)).toEqual(expectedRange(26, 30));

    await writeLines(replica.bus, HOST, container.container_id, 31, 12, { perBatch: 4 });
    expect(await receivedLines(socket, container, 17)).toEqual(expectedRange(26, 42));
  });

  it('resumes after a line the client already has, sending nothing twice', async () => {
    await writeLines(replica.bus, HOST, container.container_id, 1, 40);
    const [connection, socket] = replica.connect('a');
    await replica.logs.start(connection, { container_id: container.container_id, after: '20-0' });
    expect(await receivedLines(socket, container, 20)).toEqual(expectedRange(21, 40));
  });

  it('a second start on the same container restarts the stream: one view, one channel', async () => {
    await writeLines(replica.bus, HOST, container.container_id, 1, 10);
    const [connection, socket] = replica.connect('a');
    await replica.logs.start(connection, { container_id: container.container_id, tail: 2 });
    await replica.logs.start(connection, { container_id: container.container_id, tail: 3 });
    // The first view may have sent some of its lines before it was replaced; the new one sends
    // its own three.
    const last3 = expectedRange(8, 10).join('\n');
    await socket.waitFor(
      'log_update',
      () => linesOf(socket, container).slice(-3).join('\n') === last3,
    );
    expect(connection.streamCount).toBe(1);
    expect(replica.logs.channelSummary()).toEqual([
      expect.objectContaining({ viewers: 1, delivered: 10 }),
    ]);
  });

  it('stop tells the socket and closes the channel nobody else watches', async () => {
    const [connection, socket] = replica.connect('a');
    await replica.logs.start(connection, { container_id: container.container_id });
    expect(replica.logs.stop(connection, { container_id: container.container_id })).toEqual({
      status: 'ok',
    });
    expect(await socket.waitFor('log_stream_stopped')).toMatchObject({ reason: 'requested' });
    expect(replica.logs.channelSummary()).toEqual([]);
    expect(replica.leases.held()).toEqual([]);
  });
});
