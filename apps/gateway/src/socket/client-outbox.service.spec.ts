import { Logger } from '@nestjs/common';
import { heartbeatSchema } from '@flotilla/contracts';
import { ANONYMOUS_ADMIN } from '../auth/principal';
import { ErrorReporter } from '../core/error-reporter';
import { DEFAULT_TUNING } from '../core/gateway-tuning';
import { TokenBucket } from '../core/token-bucket';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ClientOutbox } from './client-outbox.service';
import { ClientConnection } from './client-connection';
import { ConnectionRegistry } from './connection-registry.service';
import { SocketEdge } from './socket-edge.service';
import type { FleetSocket } from './socket-types';

const HARD_CAP = DEFAULT_TUNING.socketHardCapBytes;

/**
 * A socket whose client reads nothing: every emit stays queued in engine.io's write buffer, as
 * it does for a real client once the kernel's buffers are full.
 */
function stalledSocket(id: string) {
  const writeBuffer: { data: string | Uint8Array }[] = [];
  const terminate = jest.fn();
  const disconnect = jest.fn();
  const socket = {
    id,
    emit: (event: string, ...args: unknown[]) => {
      writeBuffer.push({ data: `42${JSON.stringify([event, ...args])}` });
      return true;
    },
    disconnect,
    conn: { writeBuffer, transport: { socket: { bufferedAmount: 0, terminate } } },
  };
  return { socket: socket as unknown as FleetSocket, writeBuffer, terminate, disconnect };
}

describe('ClientOutbox: the bytes queued for one socket are bounded, whatever is sent', () => {
  let metrics: GatewayMetrics;
  let outbox: ClientOutbox;
  let registry: ConnectionRegistry;
  let edge: SocketEdge;
  let warn: jest.SpyInstance;

  beforeEach(() => {
    metrics = new GatewayMetrics();
    outbox = new ClientOutbox(metrics, DEFAULT_TUNING);
    registry = new ConnectionRegistry();
    edge = new SocketEdge(registry, outbox, metrics, new ErrorReporter());
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    outbox.onModuleDestroy();
    warn.mockRestore();
  });

  const connectionOn = (stalled: ReturnType<typeof stalledSocket>): ClientConnection => {
    const connection = new ClientConnection(
      stalled.socket,
      ANONYMOUS_ADMIN,
      new TokenBucket(20, 5),
    );
    registry.add(connection);
    return connection;
  };

  it('errors answering invalid messages stop at the hard cap: the socket is cut off, not buffered for', async () => {
    const stalled = stalledSocket('flooder');
    const connection = connectionOn(stalled);
    const run = jest.fn();
    // Each invalid message is answered with an `error` event (plus an ack, not queued here).
    for (let i = 0; i < 20_000; i++) {
      await edge.handle(
        stalled.socket,
        'heartbeat',
        heartbeatSchema,
        { sent_at: 'x'.repeat(200) },
        run,
      );
    }
    expect(outbox.bufferedBytes(connection)).toBeLessThanOrEqual(HARD_CAP + 1024);
    expect(stalled.disconnect).toHaveBeenCalledWith(true);
    expect(stalled.terminate).toHaveBeenCalledTimes(1);
    expect(connection.closed).toBe(true);
    expect(run).not.toHaveBeenCalled();
    const overflowed = await metrics.registry.getSingleMetricAsString(
      'flotilla_gateway_overflowed_sockets_total',
    );
    expect(overflowed).toMatch(/ 1$/m);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('counts the write buffer exactly as it grows, and again once a flush swaps it for a new one', () => {
    const stalled = stalledSocket('reader');
    const connection = connectionOn(stalled);
    const conn = stalled.socket.conn as unknown as {
      writeBuffer: { data: string | Uint8Array }[];
      transport: { socket: { bufferedAmount: number } };
    };
    expect(outbox.bufferedBytes(connection)).toBe(0);
    stalled.writeBuffer.push({ data: 'abc' });
    expect(outbox.bufferedBytes(connection)).toBe(3);
    stalled.writeBuffer.push({ data: 'defgh' }, { data: new Uint8Array(7) });
    expect(outbox.bufferedBytes(connection)).toBe(15);
    expect(outbox.bufferedBytes(connection)).toBe(15);
    // engine.io's flush: the packets go to the transport, new sends go to a fresh array.
    conn.writeBuffer = [{ data: 'ij' }];
    conn.transport.socket.bufferedAmount = 15;
    expect(outbox.bufferedBytes(connection)).toBe(17);
    conn.writeBuffer = [];
    conn.transport.socket.bufferedAmount = 0;
    expect(outbox.bufferedBytes(connection)).toBe(0);
  });

  it('a request from a socket over the hard cap is not run (its ack would be queued too)', async () => {
    const stalled = stalledSocket('acks');
    connectionOn(stalled);
    stalled.writeBuffer.push({ data: 'x'.repeat(HARD_CAP + 1) });
    const run = jest.fn(() => ({ status: 'ok' }));
    const ack = await edge.handle(
      stalled.socket,
      'heartbeat',
      heartbeatSchema,
      { sent_at: 1 },
      run,
    );
    expect(run).not.toHaveBeenCalled();
    expect(ack).toMatchObject({ status: 'error' });
    expect(stalled.terminate).toHaveBeenCalledTimes(1);
  });

  it('a message larger than the cap still goes out to a drained socket; nothing after it until it drains', () => {
    const stalled = stalledSocket('reader');
    const connection = connectionOn(stalled);
    outbox.send(connection, 'error', { error: 'x'.repeat(HARD_CAP), code: 'internal' });
    expect(outbox.admits(connection)).toBe(false);
    expect(stalled.writeBuffer).toHaveLength(1);
    expect(stalled.disconnect).toHaveBeenCalledTimes(1);
  });

  it('a wait for room ends at once, holding nothing, when its signal aborts', async () => {
    const stalled = stalledSocket('waiter');
    const connection = connectionOn(stalled);
    stalled.writeBuffer.push({ data: 'x'.repeat(DEFAULT_TUNING.socketBufferCapBytes + 1) });
    const ended = new AbortController();
    const room = outbox.whenRoom(connection, undefined, ended.signal);
    expect(outbox.waiting).toBe(1);
    ended.abort();
    await expect(room).resolves.toBe(false);
    expect(outbox.waiting).toBe(0);
    await expect(outbox.whenRoom(connection, undefined, ended.signal)).resolves.toBe(false);
    expect(outbox.waiting).toBe(0);
  });
});
