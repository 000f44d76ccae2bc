import Redis from 'ioredis';
import type { Bus } from '@flotilla/bus';
import { RedisKeys } from '@flotilla/contracts';
import {
  SLEEP_FOREVER,
  startRedis,
  useTestContainers,
  waitFor,
  type RedisHandle,
} from '@flotilla/testing';
import { agentAclArgs } from '../../gateway/src/auth/agent-acl';
import type { AgentHandle } from '../src/agent';
import { agentConfig, execIn, holdLease, Resources, uniqueHostId } from './agent-harness';

jest.setTimeout(120_000);

const MIB = 1024 * 1024;
const PASSWORD = 'retention-agent-password-0123';

/** `n` lines of about 1 KiB each (`long <i> xxx…`), as fast as awk prints them. */
function longLines(n: number): string {
  return `awk -v n=${n} 'BEGIN { s = sprintf("%1000s", ""); gsub(/ /, "x", s); for (i = 1; i <= n; i++) print "long " i " " s }'`;
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
}

describe("the agent keeps the host's logs within a byte budget (real dockerd, real Redis, agent ACL)", () => {
  const containers = useTestContainers(undefined, { cleanup: 'afterEach' });
  const res = new Resources();
  const releases: (() => Promise<void>)[] = [];
  let redis: RedisHandle;
  let admin: Redis;
  let bus: Bus;
  let agent: AgentHandle;
  let hostId: string;

  beforeAll(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url);
    bus = res.bus(redis.url);
    hostId = uniqueHostId('budget');
    await admin.call('ACL', 'SETUSER', ...agentAclArgs(hostId, PASSWORD));
    agent = await res.agent(
      agentConfig(redis.url.replace('redis://', `redis://agent-${hostId}:${PASSWORD}@`), hostId, {
        RETENTION_CONTAINER_BYTES: '1MiB',
        RETENTION_HOST_BYTES: '4MiB',
        RETENTION_REMOVED_GRACE_S: '3',
      }),
      { leasePollMs: 100 },
    );
  });
  afterEach(async () => {
    await Promise.all(releases.splice(0).map((release) => release()));
  });
  afterAll(async () => {
    await res.closeAll();
    admin?.disconnect();
    await redis?.close();
  });

  it('16 MB of long lines leave at most 1 MiB of log in Redis', async () => {
    const before = await usedMemory(admin);
    const c = await containers.create(
      `while [ ! -f /tmp/go ]; do sleep 0.05; done; ${longLines(16_000)}; ${SLEEP_FOREVER}`,
    );
    releases.push(await holdLease(bus, 'logs', hostId, c.id));
    await waitFor(() => agent.followedLogs().includes(c.id), { message: 'log followed' });
    await execIn(c, ['touch', '/tmp/go']);
    await waitFor(async () => (await bus.logs.last(hostId, c.id))?.seq === 16_000, {
      timeoutMs: 60_000,
      message: 'every line stored',
    });
    const usage = await bus.retention.usage(hostId);
    expect(usage.containers[c.id]).toBeLessThanOrEqual(1 * MIB);
    expect(usage.total).toBeLessThanOrEqual(4 * MIB);
    // What Redis holds matches the count: what is kept is the newest lines, in one piece.
    const first = await bus.logs.first(hostId, c.id);
    const kept = await bus.logs.range(hostId, c.id, '0-0', 10_000);
    const lines = kept.reduce((sum, e) => sum + e.n, 0);
    expect(lines).toBe(16_000 - (first?.seq ?? 0) + (first?.n ?? 0));
    // Trimmed to 90% of the cap by whole entries (the agent's batches hold up to 256 KiB).
    expect(lines).toBeGreaterThan(550);
    expect(lines).toBeLessThan(1_100);
    const after = await usedMemory(admin);
    // The whole of Redis grew by the budget and its overheads, not by the 16 MB written.
    expect(after - before).toBeLessThan(3 * MIB);
  });

  it("deletes a removed container's log and stats after the grace period, not before", async () => {
    const c = await containers.create(`${longLines(10)}; ${SLEEP_FOREVER}`);
    releases.push(await holdLease(bus, 'logs', hostId, c.id));
    releases.push(await holdLease(bus, 'stats', hostId, c.id));
    await waitFor(async () => (await bus.logs.last(hostId, c.id))?.seq === 10, {
      timeoutMs: 20_000,
      message: 'log stored',
    });
    await waitFor(async () => (await bus.stats.latest(hostId, c.id, 1)).length === 1, {
      timeoutMs: 20_000,
      message: 'a stats sample stored',
    });
    await c.remove({ force: true });
    await waitFor(
      async () => [undefined, 'removed'].includes((await bus.snapshots.get(hostId, c.id))?.state),
      { message: 'removal published' },
    );
    const removedAt = Date.now();
    // Still readable during the grace period…
    expect((await bus.logs.last(hostId, c.id))?.seq).toBe(10);
    // …then gone, with its bytes.
    await waitFor(async () => (await bus.retention.usage(hostId)).containers[c.id] === undefined, {
      timeoutMs: 15_000,
      message: 'streams deleted',
    });
    expect(Date.now() - removedAt).toBeGreaterThanOrEqual(2_000);
    expect(await bus.logs.last(hostId, c.id)).toBeNull();
    expect(await bus.stats.latest(hostId, c.id, 1)).toEqual([]);
    expect(await admin.exists(RedisKeys.logs(hostId, c.id), RedisKeys.stats(hostId, c.id))).toBe(0);
  });
});
