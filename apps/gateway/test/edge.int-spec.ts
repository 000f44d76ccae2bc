import { LIMITS } from '@flotilla/contracts';
import { waitFor } from '@flotilla/testing';
import { io } from 'socket.io-client';
import { announceHost, makeContainer, uniqueHostId, writeLines } from './support/fleet-fixtures';
import { startHarness, type Harness } from './support/gateway-harness';
import { TestClient } from './support/test-client';

jest.setTimeout(30_000);

describe('gateway edge: validation, errors, limits (real Redis)', () => {
  let h: Harness;
  let host: string;
  let id: string;

  beforeAll(async () => {
    h = await startHarness({
      replicas: 1,
      tuning: { streamRequestBurst: 4, streamRequestsPerSecond: 0.5 },
    });
    host = uniqueHostId();
    const container = makeContainer(host);
    id = container.container_id;
    await announceHost(h.bus, host, [container]);
    await writeLines(h.bus, host, id, 1, 3);
  });

  afterAll(async () => {
    await h?.close();
  });

  const idle = () => {
    const now = h.gateways[0].inspect();
    return (
      now.logChannels.length === 0 && now.statsChannels.length === 0 && now.leases.length === 0
    );
  };

  it.each([
    ['a wrong type', 'start_log_stream', { container_id: 123 }, /container_id/],
    ['a missing field', 'start_log_stream', {}, /container_id/],
    [
      'an extra field',
      'start_log_stream',
      { container_id: 'a'.repeat(64), follow: true },
      /follow|unrecognized/i,
    ],
    ['a non-hex id', 'start_log_stream', { container_id: 'z'.repeat(64) }, /hex/],
    ['an upper-case id', 'start_log_stream', { container_id: 'A'.repeat(64) }, /hex/],
    ['a short prefix', 'start_log_stream', { container_id: 'abcdef' }, /12 to 64/],
    [
      'a tail beyond the limit',
      'start_log_stream',
      { container_id: 'a'.repeat(64), tail: LIMITS.maxTail + 1 },
      /tail/,
    ],
    [
      'a malformed cursor',
      'start_log_stream',
      { container_id: 'a'.repeat(64), after: 'yesterday' },
      /after/,
    ],
    [
      'a bad host id',
      'subscribe_stats',
      { container_id: 'a'.repeat(64), host_id: 'a b' },
      /host_id/,
    ],
    [
      'too many filter items',
      'subscribe',
      { hosts: Array.from({ length: LIMITS.maxSubscriptionItems + 1 }, (_, i) => `h${i}`) },
      /hosts/,
    ],
    [
      'an unknown action',
      'container_action',
      { container_id: 'a'.repeat(64), host_id: 'h', action: 'explode' },
      /action/,
    ],
    ['a non-number heartbeat', 'heartbeat', { sent_at: 'now' }, /sent_at/],
    ['several arguments', 'stop_log_stream', 'a', 'b'],
  ])(
    'answers %s with error + error ack and changes nothing',
    async (_what, event, payload, ...rest) => {
      const client = await h.connect(0);
      const args =
        rest.length === 2 || typeof rest[0] === 'string' ? [payload, rest[0]] : [payload];
      const message = rest.find((r): r is RegExp => r instanceof RegExp) ?? /./;
      const ack = (await client.requestRaw(event, ...args)) as {
        status: string;
        code: string;
        error: string;
      };
      expect(ack).toMatchObject({ status: 'error', code: 'invalid_payload' });
      expect(ack.error).toMatch(message);
      const error = await client.waitFor('error');
      expect(error).toMatchObject({ code: 'invalid_payload' });
      expect(error.error).not.toMatch(/at .*\.ts|ZodError|\{/);
      expect(idle()).toBe(true);
      client.close();
    },
  );

  it('closes the connection of a client sending a message over the size limit, and stays up', async () => {
    const client = await h.connect(0);
    const closed = new Promise<string>((resolve) =>
      client.socket.once('disconnect', (reason) => resolve(reason)),
    );
    client.socket.emit('start_log_stream', {
      container_id: 'a'.repeat(LIMITS.maxClientMessageBytes),
    });
    expect(await closed).toMatch(/transport close|transport error/);
    expect(idle()).toBe(true);
    const other = await h.connect(0);
    expect(await other.request('heartbeat', { sent_at: 1 })).toMatchObject({ status: 'ok' });
  });

  it('answers an unknown container with unknown_container, an ambiguous prefix with ambiguous_container', async () => {
    const client = await h.connect(0);
    const unknown = await client.request('start_log_stream', { container_id: 'f'.repeat(64) });
    expect(unknown).toMatchObject({ status: 'error', code: 'unknown_container' });
    expect(await client.waitFor('error')).toMatchObject({
      code: 'unknown_container',
      container_id: 'f'.repeat(64),
    });

    const prefix = 'abcabcabcabc';
    const other = uniqueHostId();
    await announceHost(h.bus, other, [
      makeContainer(other, { container_id: `${prefix}${'1'.repeat(52)}` }),
    ]);
    const third = uniqueHostId();
    await announceHost(h.bus, third, [
      makeContainer(third, { container_id: `${prefix}${'2'.repeat(52)}` }),
    ]);
    expect(await client.request('subscribe_stats', { container_id: prefix })).toMatchObject({
      status: 'error',
      code: 'ambiguous_container',
    });
    expect(
      await client.request('subscribe_stats', { container_id: prefix, host_id: third }),
    ).toEqual({ status: 'ok' });
    expect(await client.request('unsubscribe_stats', { container_id: prefix })).toEqual({
      status: 'ok',
    });
    // Stopping a stream the socket does not hold is not an error (it may have ended already).
    const errors = client.all('error').length;
    expect(await client.request('stop_log_stream', { container_id: id })).toEqual({
      status: 'ok',
    });
    expect(client.all('error')).toHaveLength(errors);
    await waitFor(idle);
  });

  it('rate limits stream requests per socket with a token bucket', async () => {
    const client = await h.connect(0);
    const acks = [];
    for (let i = 0; i < 6; i++)
      acks.push(await client.request('start_log_stream', { container_id: id, tail: 0 }));
    expect(acks.map((a) => a.status)).toEqual([
      'stream_started',
      'stream_started',
      'stream_started',
      'stream_started',
      'error',
      'error',
    ]);
    expect(acks[4]).toMatchObject({ code: 'rate_limited' });
    expect(await client.waitFor('error', (e) => e.code === 'rate_limited')).toBeDefined();
    // Another socket has its own bucket; heartbeats are not stream requests.
    const other = await h.connect(0);
    expect(await other.request('start_log_stream', { container_id: id, tail: 0 })).toMatchObject({
      status: 'stream_started',
    });
    expect(await client.request('heartbeat', { sent_at: 1 })).toMatchObject({ status: 'ok' });
    client.close();
    other.close();
    await waitFor(idle);
  });

  it('refuses sockets from origins the CORS policy does not allow', async () => {
    const url = h.gateways[0].url;
    const refused = io(url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { Origin: 'https://evil.example' },
    });
    const error = await new Promise<Error>((resolve) => refused.once('connect_error', resolve));
    expect(error).toBeDefined();
    refused.close();
    const same = await TestClient.connect(url, { extraHeaders: { Origin: url } });
    expect(same.all('initial_state')).toHaveLength(1);
    same.close();
  });
});
