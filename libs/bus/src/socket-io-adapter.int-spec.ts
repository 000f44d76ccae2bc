import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RedisKeys } from '@flotilla/contracts';
import { startRedis, waitFor, type RedisHandle } from '@flotilla/testing';
import Redis from 'ioredis';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { createSocketIoRedisAdapter, type SocketIoRedisAdapter } from './socket-io-adapter';

/** One gateway stand-in: an HTTP server, Socket.IO on the Redis adapter, and one client. */
interface Node {
  http: HttpServer;
  io: Server;
  adapter: SocketIoRedisAdapter;
  client: ClientSocket;
}

let redis: RedisHandle;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis.close();
});

async function startNode(sharded: boolean, protocol: 2 | 3): Promise<Node> {
  const adapter = createSocketIoRedisAdapter(redis.url, { sharded, protocol, name: 'io-test' });
  const http = createServer();
  const io = new Server(http, { adapter: adapter.adapter, transports: ['websocket'] });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const client = connect(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('connect_error', reject);
  });
  return { http, io, adapter, client };
}

async function stopNode(node: Node): Promise<void> {
  node.client.disconnect();
  await node.io.close();
  await node.adapter.close();
}

describe.each([
  { mode: 'classic', sharded: false, protocol: 2 as const },
  { mode: 'classic', sharded: false, protocol: 3 as const },
  { mode: 'sharded', sharded: true, protocol: 2 as const },
  { mode: 'sharded', sharded: true, protocol: 3 as const },
])('Socket.IO Redis adapter ($mode, RESP$protocol) over ioredis', ({ sharded, protocol }) => {
  let a: Node;
  let b: Node;

  beforeAll(async () => {
    a = await startNode(sharded, protocol);
    b = await startNode(sharded, protocol);
  });

  afterAll(async () => {
    await stopNode(a);
    await stopNode(b);
  });

  it("lets server A see server B's socket", async () => {
    const ids = await waitFor(
      async () => {
        const sockets = await a.io.fetchSockets();
        return sockets.length === 2 ? sockets.map((s) => s.id).sort() : null;
      },
      { intervalMs: 20, message: 'both sockets' },
    );
    expect(ids).toEqual([a.client.id, b.client.id].sort());
  });

  it("uses Flotilla's channel prefix", async () => {
    const raw = new Redis(redis.url);
    try {
      const pattern = `${RedisKeys.adapterPrefix}*`;
      const channels = sharded
        ? await raw.pubsub('SHARDCHANNELS', pattern)
        : await raw.pubsub('CHANNELS', pattern);
      expect(channels.length).toBeGreaterThan(0);
    } finally {
      await raw.quit();
    }
  });

  it("delivers a broadcast from server A to server B's client exactly once", async () => {
    const received: number[] = [];
    b.client.on('news', (n: number) => received.push(n));
    a.io.emit('news', 1);
    await waitFor(() => received.length > 0, { intervalMs: 10 });
    // A later broadcast marks the end: a duplicate of the first would have arrived before it.
    a.io.emit('news', 2);
    await waitFor(() => received.includes(2), { intervalMs: 10 });
    expect(received).toEqual([1, 2]);
  });
});
