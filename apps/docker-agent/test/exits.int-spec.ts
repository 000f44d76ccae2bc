import Redis from 'ioredis';
import type { Bus, StreamEntry } from '@flotilla/bus';
import type { ExitRecord } from '@flotilla/contracts';
import { startRedis, useTestContainers, waitFor, type RedisHandle } from '@flotilla/testing';
import { agentAclArgs } from '../../gateway/src/auth/agent-acl';
import { agentConfig, Resources, uniqueHostId } from './agent-harness';

jest.setTimeout(120_000);

const PASSWORD = 'exits-agent-password-0123456';

/**
 * Each run counts itself in a file that survives restarts, prints 60 numbered lines, waits 2 s
 * and dies with exit code 3 after a last line on stderr.
 */
const CRASHER = [
  'n=$(cat /tmp/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /tmp/n',
  'i=1; while [ $i -le 60 ]; do echo "run $n line $i"; i=$((i+1)); done',
  'sleep 2',
  'echo "run $n dying" >&2',
  'exit 3',
].join('; ');

describe('the agent records every container exit (real dockerd, real Redis, agent ACL)', () => {
  const containers = useTestContainers(undefined, { cleanup: 'afterEach' });
  const res = new Resources();
  let redis: RedisHandle;
  let admin: Redis;
  let bus: Bus;
  let hostId: string;

  beforeAll(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url);
    bus = res.bus(redis.url);
    hostId = uniqueHostId('exits');
    await admin.call('ACL', 'SETUSER', ...agentAclArgs(hostId, PASSWORD));
    await res.agent(
      agentConfig(redis.url.replace('redis://', `redis://agent-${hostId}:${PASSWORD}@`), hostId),
    );
  });
  afterAll(async () => {
    await res.closeAll();
    admin?.disconnect();
    await redis?.close();
  });

  const exitsOf = async (id: string): Promise<StreamEntry<ExitRecord>[]> =>
    bus.exits.list(hostId, 100, (r) => r.container_id === id);

  it('records each crash of a --restart=always container with its last 50 lines, kept after docker rm', async () => {
    const c = await containers.create(CRASHER, { restart: 'always' });
    const records = await waitFor(
      async () => {
        const found = await exitsOf(c.id);
        return found.length >= 3 ? found.reverse().map((e) => e.value) : null;
      },
      { timeoutMs: 60_000, intervalMs: 200, message: 'three exit records' },
    );
    // Docker counts the restart it decides on at each death, before it reports the death.
    expect(records.slice(0, 3).map((r) => r.restart_count)).toEqual([1, 2, 3]);
    for (const record of records) {
      expect(record).toMatchObject({
        host_id: hostId,
        exit_code: 3,
        oom_killed: false,
        signal: null,
        health: [],
      });
      expect(record.lines_error).toBeUndefined();
      expect(Number.isNaN(Date.parse(record.finished_at))).toBe(false);
      // The death's own run: its last 49 numbered lines, then its dying line on stderr.
      const n = /^run (\d+) dying$/.exec(record.lines.at(-1)?.text ?? '')?.[1];
      expect(n).toBeDefined();
      expect(record.lines).toHaveLength(50);
      expect(record.lines.at(-1)?.stream).toBe('stderr');
      expect(record.lines.slice(0, -1).map((l) => l.text)).toEqual(
        Array.from({ length: 49 }, (_, i) => `run ${n} line ${i + 12}`),
      );
    }
    const runs = records.map((r) => Number(/^run (\d+)/.exec(r.lines[0].text)?.[1]));
    expect(runs).toEqual([...runs].sort((a, b) => a - b));

    // Removed while it runs (not while Docker waits to restart it): the kill is an exit too.
    await waitFor(async () => (await c.inspect()).State.Status === 'running', {
      timeoutMs: 30_000,
      intervalMs: 50,
      message: 'running again',
    });
    await c.remove({ force: true });
    await waitFor(
      async () => (await exitsOf(c.id)).some((e) => e.value.signal?.name === 'SIGKILL'),
      { timeoutMs: 30_000, intervalMs: 200, message: 'the forced removal recorded as SIGKILL' },
    );
    const kept = (await exitsOf(c.id)).map((e) => e.value.restart_count);
    expect(kept.length).toBeGreaterThan(records.length);
  });

  it('records the health transitions Docker reported before the exit', async () => {
    const c = await containers.create('touch /tmp/ok; sleep 2; rm /tmp/ok; sleep 2; exit 1', {
      healthcheck: {
        Test: ['CMD-SHELL', 'test -f /tmp/ok'],
        Interval: 200_000_000,
        Timeout: 1_000_000_000,
        Retries: 1,
      },
    });
    const [record] = await waitFor(
      async () => {
        const found = await exitsOf(c.id);
        return found.length > 0 ? found : null;
      },
      { timeoutMs: 30_000, intervalMs: 200, message: 'an exit record' },
    );
    expect(record.value.exit_code).toBe(1);
    expect(record.value.health.map((h) => h.status)).toEqual(['healthy', 'unhealthy']);
  });

  it('names the signal of a kill', async () => {
    const c = await containers.create('echo waiting; sleep 600');
    await waitFor(async () => (await c.inspect()).State.Running, { message: 'running' });
    await c.kill({ signal: 'SIGKILL' });
    const [record] = await waitFor(
      async () => {
        const found = await exitsOf(c.id);
        return found.length > 0 ? found : null;
      },
      { timeoutMs: 30_000, intervalMs: 200, message: 'an exit record' },
    );
    expect(record.value).toMatchObject({ exit_code: 137, signal: { number: 9, name: 'SIGKILL' } });
    expect(record.value.lines.map((l) => l.text)).toEqual(['waiting']);
  });
});
