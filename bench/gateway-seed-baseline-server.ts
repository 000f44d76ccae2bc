/**
 * The original design, minimally, for comparison: a plain Socket.IO server where each
 * `start_log_stream` opens its own Docker log stream (tail 100, follow) and emits one
 * `log_update {container_id, log}` per line. No bus, no sharing, no backpressure.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { Server } from 'socket.io';

const docker = new Docker();
const http = createServer();
const io = new Server(http, { transports: ['websocket'], cors: { origin: '*' } });
let streams = 0;

io.on('connection', (socket) => {
  socket.on(
    'start_log_stream',
    async (data: { container_id: string }, ack?: (r: unknown) => void) => {
      const container = docker.getContainer(data.container_id);
      const raw = (await container.logs({
        follow: true,
        stdout: true,
        stderr: true,
        timestamps: true,
        tail: 100,
      })) as unknown as NodeJS.ReadableStream & {
        destroy(): void;
      };
      streams++;
      const out = new PassThrough();
      docker.modem.demuxStream(raw, out, out);
      let rest = '';
      out.on('data', (chunk: Buffer) => {
        const text = rest + chunk.toString('utf8');
        const lines = text.split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines)
          socket.emit('log_update', { container_id: data.container_id, log: `${line}\n` });
      });
      socket.once('disconnect', () => {
        raw.destroy();
        streams--;
      });
      ack?.({ status: 'stream_started' });
    },
  );
});

http.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (http.address() as AddressInfo).port });
});
process.on('message', (message: string) => {
  if (message === 'streams') process.send?.({ streams });
  if (message === 'memory') {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    process.send?.({ memory: process.memoryUsage(), sockets: io.engine.clientsCount });
  }
});
(globalThis as { __releaseTsHook?: () => void }).__releaseTsHook?.();
process.on('SIGTERM', () => {
  void io.close();
  process.exit(0);
});
