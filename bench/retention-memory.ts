/**
 * Redis memory after a flood of long log lines: `used_memory` (INFO memory) of a private
 * redis-server before and after `containers` containers each append `batches` entries of one
 * `lineKiB` KiB line through the bus, as an agent does. Byte caps come from RETENTION_CONTAINER_BYTES
 * and RETENTION_HOST_BYTES (the agent's variables), else the defaults.
 *
 * Run: npx tsx bench/retention-memory.ts [containers=2] [batches=4000] [lineKiB=16]
 */
import Redis from 'ioredis';
import { createRedisBus } from '@flotilla/bus';
import { startRedis } from '@flotilla/testing';
import { loadAgentConfig } from '@flotilla/agent';

const [containers = 2, batches = 4_000, lineKiB = 16] = process.argv.slice(2).map(Number);
const MIB = 1024 * 1024;

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
}

async function main(): Promise<void> {
  const { retention } = loadAgentConfig({ ...process.env, REDIS_URL: 'redis://unused' });
  const server = await startRedis();
  const admin = new Redis(server.url);
  const bus = createRedisBus({ url: server.url, name: 'bench', retention });
  try {
    const before = await usedMemory(admin);
    const text = 'x'.repeat(lineKiB * 1024);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: containers }, async (_, c) => {
        const id = c.toString(16).padStart(64, 'c');
        for (let seq = 1; seq <= batches; seq++)
          await bus.logs.append('bench-host', id, seq, {
            lines: [`T${seq} ${text}`],
            stderr: [],
            lastTimestamp: `T${seq}`,
          });
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const after = await usedMemory(admin);
    const usage = await bus.retention.usage('bench-host');
    const written = (containers * batches * lineKiB) / 1024;
    console.log(
      `caps ${retention.containerBytes / MIB} MiB/container, ${retention.hostBytes / MIB} MiB/host; ` +
        `wrote ${written.toFixed(0)} MiB (${containers} × ${batches} × ${lineKiB} KiB) in ${seconds.toFixed(1)} s; ` +
        `used_memory ${(before / MIB).toFixed(1)} → ${(after / MIB).toFixed(1)} MiB; ` +
        `counted ${(usage.total / MIB).toFixed(1)} MiB`,
    );
  } finally {
    await bus.close();
    admin.disconnect();
    await server.close();
  }
}

void main();
