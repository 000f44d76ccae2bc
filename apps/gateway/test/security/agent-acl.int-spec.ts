import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { createRedisBus, type Bus } from '@flotilla/bus';
import { RedisKeys, type CommandRequest } from '@flotilla/contracts';
import { startRedis, waitFor, type RedisHandle } from '@flotilla/testing';
import { fakeCommandLoop } from '../support/fake-agent';
import { hostInfo, makeContainer, writeLines } from '../support/fleet-fixtures';

jest.setTimeout(60_000);

const run = promisify(execFile);
const PASSWORD = 'agent-password-0123456789';

/** `npm run agent-acl -- <host>` as an operator would run it; the printed line split into arguments. */
async function printedAcl(hostId: string): Promise<string[]> {
  const { stdout } = await run('npx', ['tsx', 'scripts/agent-acl.ts', hostId], {
    cwd: `${__dirname}/../../../..`,
    env: { ...process.env, AGENT_REDIS_PASSWORD: PASSWORD },
  });
  const line = stdout.trim();
  expect(line.startsWith('ACL SETUSER ')).toBe(true);
  return line.split(' ');
}

async function refused(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error: unknown) {
    return (error as Error).message;
  }
  return 'allowed';
}

describe('agents confined by the printed Redis ACL (real redis-server)', () => {
  let redis: RedisHandle;
  let admin: Redis;
  let agentA: Bus;
  let rawA: Redis;
  const warnings: string[] = [];
  const url = (host: string) => () =>
    redis.url.replace('redis://', `redis://agent-${host}:${PASSWORD}@`);

  beforeAll(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url);
    for (const host of ['acl-a', 'acl-b'])
      await admin.call(...((await printedAcl(host)) as [string, ...string[]]));
    agentA = createRedisBus({
      url: url('acl-a')(),
      name: 'agent-acl-a',
      followerBlockMs: 200,
      logger: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    });
    rawA = new Redis(url('acl-a')());
  });

  afterAll(async () => {
    rawA?.disconnect();
    await agentA?.close();
    admin?.disconnect();
    await redis?.close();
  });

  it('lets agent A do its whole job on its own keys through the bus', async () => {
    const c = makeContainer('acl-a');
    await agentA.hosts.announce(hostInfo('acl-a'));
    await agentA.hosts.beat('acl-a');
    await agentA.snapshots.replace('acl-a', [c]);
    await agentA.snapshots.upsert({ ...c, status: 'Up 1 minute' });
    await agentA.events.append('acl-a', { v: 1, type: 'container', container: c });
    await writeLines(agentA, 'acl-a', c.container_id, 1, 20);
    expect(await agentA.logs.last('acl-a', c.container_id)).toMatchObject({ id: '20-0' });
    await agentA.stats.append({
      container_id: c.container_id,
      host_id: 'acl-a',
      read: new Date().toISOString(),
      cpu_percent: 1,
      online_cpus: 1,
      memory_usage: 1,
      memory_limit: 2,
      memory_percent: 50,
      net_rx: 0,
      net_tx: 0,
      block_read: 0,
      block_write: 0,
      pids: 1,
    });
    expect(await agentA.leases.active('logs', 'acl-a')).toEqual([]);
    const stopWake = await agentA.leases.onWake('acl-a', () => undefined);
    await stopWake();
    expect(await admin.sismember(RedisKeys.hosts, 'acl-a')).toBe(1);

    // Commands: the gateway (admin) sends; the agent follows its command stream and replies.
    const gateway = createRedisBus({ url: redis.url, name: 'gw' });
    const loop = fakeCommandLoop(agentA, 'acl-a', () => ({}));
    try {
      const requestId = randomUUID();
      const request: CommandRequest = {
        v: 1,
        request_id: requestId,
        host_id: 'acl-a',
        container_id: c.container_id,
        action: 'restart',
        requested_by: 'ops',
        expires_at: Date.now() + 10_000,
      };
      const position = await gateway.commands.send(request);
      expect(await gateway.commands.awaitReply('acl-a', requestId, 5_000, position)).toMatchObject({
        ok: true,
      });
      await waitFor(() => loop.requests.length === 1);
      // CLIENT ID / CLIENT UNBLOCK are allowed: the follower is interrupted at once, no fallback.
      expect(warnings.filter((w) => /cannot interrupt|NOPERM/.test(w))).toEqual([]);
    } finally {
      await loop.stop();
      await gateway.close();
    }
  });

  it("refuses agent A any write to host B's keys with NOPERM", async () => {
    const c = makeContainer('acl-b');
    // Through the bus (a refused command inside MULTI aborts the whole transaction) …
    const denied = /NOPERM|EXECABORT/;
    expect(await refused(agentA.hosts.announce(hostInfo('acl-b')))).toMatch(denied);
    expect(await refused(agentA.hosts.beat('acl-b'))).toMatch(denied);
    expect(await refused(agentA.snapshots.replace('acl-b', [c]))).toMatch(denied);
    expect(
      await refused(agentA.events.append('acl-b', { v: 1, type: 'container', container: c })),
    ).toMatch(denied);
    expect(await refused(writeLines(agentA, 'acl-b', c.container_id, 1, 1))).toMatch(denied);
    // … and command by command, each one NOPERM.
    expect(await refused(rawA.set(RedisKeys.hostInfo('acl-b'), '{}'))).toMatch(/NOPERM/);
    expect(await refused(rawA.set(RedisKeys.heartbeat('acl-b'), 'now'))).toMatch(/NOPERM/);
    expect(await refused(rawA.hset(RedisKeys.snapshot('acl-b'), c.container_id, '{}'))).toMatch(
      /NOPERM/,
    );
    expect(await refused(rawA.xadd(RedisKeys.events('acl-b'), '*', 'forged', '1'))).toMatch(
      /NOPERM/,
    );
    expect(
      await refused(rawA.xadd(RedisKeys.logs('acl-b', c.container_id), '*', 'forged', '1')),
    ).toMatch(/NOPERM/);
    expect(await refused(rawA.xadd(RedisKeys.replies('acl-b'), '*', 'forged', '1'))).toMatch(
      /NOPERM/,
    );
    expect(await refused(rawA.zadd(RedisKeys.logLeases('acl-b'), 1, 'x'))).toMatch(/NOPERM/);
    expect(await refused(rawA.publish(RedisKeys.wake('acl-b'), 'logs'))).toMatch(/NOPERM/);
    expect(await refused(rawA.del(RedisKeys.events('acl-b')))).toMatch(/NOPERM/);
    expect(
      await admin.exists(
        RedisKeys.hostInfo('acl-b'),
        RedisKeys.events('acl-b'),
        RedisKeys.snapshot('acl-b'),
      ),
    ).toBe(0);
    const log = (await admin.call('ACL', 'LOG')) as unknown[][];
    expect(log.length).toBeGreaterThan(0);
  });

  it("refuses agent A reads of host B's logs, commands and the fleet-wide keys", async () => {
    const c = makeContainer('acl-b');
    await admin.xadd(RedisKeys.logs('acl-b', c.container_id), '1-0', 'secret', 'password=hunter2');
    expect(await refused(agentA.logs.range('acl-b', c.container_id, '0-0', 10))).toMatch(/NOPERM/);
    expect(await refused(rawA.xrange(RedisKeys.logs('acl-b', c.container_id), '-', '+'))).toMatch(
      /NOPERM/,
    );
    expect(await refused(rawA.xread('STREAMS', RedisKeys.commands('acl-b'), '0-0'))).toMatch(
      /NOPERM/,
    );
    expect(await refused(rawA.smembers(RedisKeys.hosts))).toMatch(/NOPERM/);
    expect(await refused(rawA.xrange(RedisKeys.audit, '-', '+'))).toMatch(/NOPERM/);
    expect(await refused(rawA.subscribe(RedisKeys.wake('acl-b')))).toMatch(/NOPERM/);
  });

  it('refuses agent A server-wide and dangerous commands', async () => {
    for (const command of [
      ['FLUSHALL'],
      ['KEYS', '*'],
      ['CONFIG', 'GET', '*'],
      ['CLIENT', 'LIST'],
      ['CLIENT', 'KILL', 'ID', '1'],
      ['ACL', 'LIST'],
      ['EVAL', 'return 1', '0'],
      ['SCRIPT', 'FLUSH'],
      ['SHUTDOWN', 'NOSAVE'],
    ]) {
      expect(await refused(rawA.call(...(command as [string, ...string[]])))).toMatch(/NOPERM/);
    }
  });
});
