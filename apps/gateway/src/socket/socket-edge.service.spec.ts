import { Logger } from '@nestjs/common';
import { heartbeatSchema } from '@flotilla/contracts';
import { ErrorReporter } from '../core/error-reporter';
import { GatewayError } from '../core/gateway-error';
import { TokenBucket } from '../core/token-bucket';
import { ANONYMOUS_ADMIN } from '../auth/principal';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { ClientOutbox } from './client-outbox.service';
import { ClientConnection } from './client-connection';
import { ConnectionRegistry } from './connection-registry.service';
import { SocketEdge } from './socket-edge.service';
import type { FleetSocket } from './socket-types';

describe('SocketEdge', () => {
  const socket = { id: 'sock-1' } as FleetSocket;
  let sent: { event: string; payload: unknown }[];
  let edge: SocketEdge;
  let connection: ClientConnection;
  let errorLog: jest.SpyInstance;

  beforeEach(() => {
    sent = [];
    const outbox = {
      send: (_s: unknown, event: string, payload: unknown) => sent.push({ event, payload }),
      admits: (s: ClientConnection) => !s.closed,
    } as unknown as ClientOutbox;
    const registry = new ConnectionRegistry();
    connection = new ClientConnection(socket, ANONYMOUS_ADMIN, new TokenBucket(1, 0.0001));
    registry.add(connection);
    edge = new SocketEdge(registry, outbox, new GatewayMetrics(), new ErrorReporter());
    errorLog = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => errorLog.mockRestore());

  it('hands a valid payload to the service and returns its ack', async () => {
    const run = jest.fn(() => ({ status: 'ok' }));
    await expect(
      edge.handle(socket, 'heartbeat', heartbeatSchema, { sent_at: 5 }, run),
    ).resolves.toEqual({ status: 'ok' });
    expect(run).toHaveBeenCalledWith(connection, { sent_at: 5 });
    expect(sent).toEqual([]);
  });

  it('never calls the service with an invalid payload', async () => {
    const run = jest.fn(() => ({ status: 'ok' }));
    const ack = await edge.handle(socket, 'heartbeat', heartbeatSchema, { sent_at: 'x' }, run);
    expect(run).not.toHaveBeenCalled();
    expect(ack).toMatchObject({ status: 'error', code: 'invalid_payload' });
    expect(sent[0]).toMatchObject({ event: 'error', payload: { code: 'invalid_payload' } });
  });

  it('passes a GatewayError through as it is', async () => {
    const ack = await edge.handle(socket, 'heartbeat', heartbeatSchema, { sent_at: 1 }, () => {
      throw new GatewayError('host_offline', 'host h is offline', 'c'.repeat(64));
    });
    expect(ack).toEqual({ status: 'error', error: 'host h is offline', code: 'host_offline' });
    expect(sent[0].payload).toEqual({
      error: 'host h is offline',
      code: 'host_offline',
      container_id: 'c'.repeat(64),
    });
  });

  it('turns an unexpected error into a generic message with a correlation id, logged with the detail', async () => {
    const ack = await edge.handle(socket, 'heartbeat', heartbeatSchema, { sent_at: 1 }, () => {
      throw new TypeError('secret internals at /srv/app.ts:12');
    });
    expect(ack).toEqual({ status: 'error', error: 'internal error', code: 'internal' });
    const payload = sent[0].payload as { correlation_id: string; error: string };
    expect(payload).toMatchObject({ error: 'internal error', code: 'internal' });
    expect(payload.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(errorLog).toHaveBeenCalledWith(
      expect.stringContaining(payload.correlation_id),
      expect.anything(),
    );
    expect(JSON.stringify(sent)).not.toContain('secret');
  });

  it('rate limits only when asked to', async () => {
    const run = jest.fn(() => ({ status: 'ok' }));
    await edge.handle(socket, 'heartbeat', heartbeatSchema, { sent_at: 1 }, run, {
      rateLimited: true,
    });
    const limited = await edge.handle(socket, 'heartbeat', heartbeatSchema, { sent_at: 1 }, run, {
      rateLimited: true,
    });
    expect(limited).toMatchObject({ code: 'rate_limited' });
    await edge.handle(socket, 'heartbeat', heartbeatSchema, { sent_at: 1 }, run);
    expect(run).toHaveBeenCalledTimes(2);
  });
});
