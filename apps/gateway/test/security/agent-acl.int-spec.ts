import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { createRedisBus, type Bus } from '@flotilla/bus';
import { RedisKeys, type CommandRequest } from '@flotilla/contracts';
import {
  startRedis,
  ticker,
  useTestContainers,
  waitFor,
  type RedisHandle,
} from '@flotilla/testing';
import { startAgent, type AgentHandle } from '@flotilla/agent';
import { loadAgentConfig } from '@flotilla/agent';
import type { AgentLogger } from '@flotilla/agent';
import { loadGatewayConfig } from '../../src/config/gateway.config';
import { startGateway, type RunningGateway } from '../../src/gateway-app';
import { fakeCommandLoop } from '../support/fake-agent';
import {
  hostInfo,
  makeContainer,
  statsSample,
  uniqueHostId,
  writeLines,
} from '../support/fleet-fixtures';
import { TEST_TUNING } from '../support/gateway-harness';
import { TestClient } from '../support/test-client';

jest.setTimeout(120_000);

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

/** Collects what an agent logs at warn and above, where a refused command would show. */
function capturingLogger(into: string[]): AgentLogger {
  const logger: AgentLogger = {
    error: (m) => into.push(m),
    warn: (m) => into.push(m),
    log: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
    child: () => logger,
  };
  return logger;
}

describe('agents confined by the printed Redis ACL (real redis-server)', () => {
  let redis: RedisHandle;
  let admin: Redis;
  /** A gateway's bus: the default (unconfined) user. */
  let gw: Bus;
  let agentA: Bus;
  let rawA: Redis;
  const warnings: string[] = [];
  const url = (host: string): string =>
    redis.url.replace('redis://', `redis://agent-${host}:${PASSWORD}@`);
  const applyAcl = async (host: string): Promise<void> => {
    await admin.call(...((await printedAcl(host)) as [string, ...string[]]));
  };

  beforeAll(async () => {
    redis = await startRedis();
    admin = new Redis(redis.url);
    for (const host of ['acl-a', 'acl-b']) await applyAcl(host);
    // Made as the agent makes it (agent.ts): no follower interrupts.
    agentA = createRedisBus({
      url: url('acl-a'),
      name: 'agent-acl-a',
      interruptFollowers: false,
      logger: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    });
    rawA = new Redis(url('acl-a'));
    gw = createRedisBus({ url: redis.url, name: 'gw' });
  });

  afterAll(async () => {
    rawA?.disconnect();
    await agentA?.close();
    await gw?.close();
    admin?.disconnect();
    await redis?.close();
  });

  it('lets agent A do its whole job on its own keys through the bus, and a gateway finds it', async () => {
    const c = makeContainer('acl-a');
    await agentA.hosts.announce(hostInfo('acl-a'));
    await agentA.hosts.beat('acl-a');
    expect(await agentA.hosts.get('acl-a')).toMatchObject({ online: true });
    await agentA.snapshots.replace('acl-a', [c]);
    await agentA.snapshots.upsert({ ...c, status: 'Up 1 minute' });
    expect(await agentA.snapshots.get('acl-a', c.container_id)).toMatchObject({
      status: 'Up 1 minute',
    });
    await agentA.events.append('acl-a', { v: 1, type: 'container', container: c });
    await writeLines(agentA, 'acl-a', c.container_id, 1, 20);
    expect(await agentA.logs.last('acl-a', c.container_id)).toMatchObject({ id: '20-0' });
    await agentA.stats.append(statsSample('acl-a', c.container_id, 1));
    await gw.leases.acquire('logs', 'acl-a', c.container_id, 'gw', 10_000);
    expect(await agentA.leases.active('logs', 'acl-a')).toEqual([c.container_id]);
    let woken = 0;
    const stopWake = await agentA.leases.onWake('acl-a', () => woken++);
    await gw.leases.acquire('stats', 'acl-a', c.container_id, 'gw', 10_000);
    await waitFor(() => woken > 0, { message: 'wake' });
    await stopWake();
    expect(await agentA.commands.newestCommand('acl-a')).toBe('0-0');

    // The gateway learns of the host from A's own info key and announce channel.
    const stopTracking = await gw.hosts.track();
    try {
      expect(await gw.hosts.list()).toEqual([expect.objectContaining({ host_id: 'acl-a' })]);
    } finally {
      await stopTracking();
    }

    // Commands: the gateway sends; the agent follows its command stream and replies.
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
      const position = await gw.commands.send(request);
      expect(await gw.commands.awaitReply('acl-a', requestId, 5_000, position)).toMatchObject({
        ok: true,
      });
      await waitFor(() => loop.requests.length === 1);
    } finally {
      await loop.stop();
    }
    await agentA.hosts.markOffline(hostInfo('acl-a'));
    expect(await gw.hosts.get('acl-a')).toMatchObject({ online: false });
    expect(warnings).toEqual([]);
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
    expect(await refused(rawA.publish(RedisKeys.announce('acl-b'), ''))).toMatch(/NOPERM/);
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
    expect(await refused(rawA.scan('0', 'MATCH', RedisKeys.hostInfoPattern))).toMatch(/NOPERM/);
    expect(await refused(rawA.xrange(RedisKeys.audit, '-', '+'))).toMatch(/NOPERM/);
    expect(await refused(rawA.hgetall(RedisKeys.alertRules))).toMatch(/NOPERM/);
    expect(await refused(rawA.hgetall(RedisKeys.presence))).toMatch(/NOPERM/);
    expect(await refused(rawA.subscribe(RedisKeys.wake('acl-b')))).toMatch(/NOPERM/);
  });

  it('refuses agent A every write to anything shared: the host set stays as the gateways keep it', async () => {
    await admin.sadd(RedisKeys.hosts, 'acl-a', 'acl-b');
    const hosts = RedisKeys.hosts;
    for (const command of [
      ['DEL', hosts],
      ['UNLINK', hosts],
      ['SET', hosts, 'not a set'],
      ['PEXPIRE', hosts, '1'],
      ['EXPIRE', hosts, '1'],
      ['SADD', hosts, 'acl-a'],
      ['SADD', hosts, 'acl-b'],
      ['SADD', hosts, 'ghost'],
      ['SREM', hosts, 'acl-b'],
      ['RENAME', hosts, `${RedisKeys.hostPrefix('acl-a')}stolen`],
      ['XADD', RedisKeys.audit, '*', 'forged', '1'],
      ['DEL', RedisKeys.audit],
      ['PUBLISH', `${RedisKeys.adapterPrefix}#/#`, 'forged'],
      // A rule sending every host's events to the attacker, or claims and cooldowns taken in
      // advance so that alerts about its host are never delivered.
      ['HSET', RedisKeys.alertRules, 'r', '{}'],
      ['DEL', RedisKeys.alertRules],
      ['SET', RedisKeys.alertClaim('r', 'acl-a', '1-0'), '1', 'NX'],
      ['SET', RedisKeys.alertCooldown('r', 'acl-a'), '1', 'NX'],
      ['XADD', RedisKeys.alertFirings, '*', 'forged', '1'],
      // Presence: an agent must not seat viewers on anyone's page.
      ['HSET', RedisKeys.presence, 'gw-forged', '{}'],
      ['HDEL', RedisKeys.presence, 'gw-1'],
    ]) {
      expect([command[0], await refused(rawA.call(...(command as [string, ...string[]])))]).toEqual(
        [command[0], expect.stringMatching(/NOPERM/)],
      );
    }
    // Inside MULTI the transaction is refused as a whole.
    expect(await refused(rawA.multi().del(hosts).exec())).toMatch(/NOPERM|EXECABORT/);
    expect(await admin.type(hosts)).toBe('set');
    expect((await admin.smembers(hosts)).sort()).toEqual(['acl-a', 'acl-b']);
    expect(await admin.pttl(hosts)).toBe(-1);
  });

  it("refuses agent A every CLIENT command that reaches other connections: a gateway's blocking read goes on", async () => {
    const seen: string[] = [];
    // A bus of its own, so its follower's connection is the only one with this name.
    const victim = createRedisBus({ url: redis.url, name: 'victim' });
    const follower = victim.follower((_key, entries) => seen.push(...entries.map((e) => e.id)));
    try {
      follower.follow(RedisKeys.events('acl-a'), (await gw.events.snapshotAt('acl-a')).position);
      const blocked = async (): Promise<string | undefined> => {
        const list = (await admin.client('LIST')) as string;
        const line = list
          .split('\n')
          .find((l) => /name=victim:follow /.test(l) && / cmd=xread /.test(l));
        return line && / flags=b /.test(line) ? /^id=(\d+) /.exec(line)?.[1] : undefined;
      };
      const id = await waitFor(blocked, { message: "the gateway's follower blocks in XREAD" });
      for (const command of [
        ['CLIENT', 'UNBLOCK', id],
        ['CLIENT', 'UNBLOCK', id, 'ERROR'],
        ['CLIENT', 'KILL', 'ID', id],
        ['CLIENT', 'KILL', 'TYPE', 'normal'],
        ['CLIENT', 'PAUSE', '10000'],
        ['CLIENT', 'LIST'],
        ['CLIENT', 'INFO'],
        ['CLIENT', 'ID'],
        ['CLIENT', 'NO-EVICT', 'on'],
        ['CLIENT', 'TRACKING', 'on'],
      ]) {
        expect([
          command.join(' '),
          await refused(rawA.call(...(command as [string, ...string[]]))),
        ]).toEqual([command.join(' '), expect.stringMatching(/NOPERM/)]);
      }
      expect(await blocked()).toBe(id);
      const appended = await agentA.events.append('acl-a', {
        v: 1,
        type: 'container',
        container: makeContainer('acl-a'),
      });
      await waitFor(() => seen.includes(appended), { message: 'the follower still delivers' });
    } finally {
      await victim.close();
    }
  });

  describe('a real agent under its printed ACL, with a real gateway and a real container', () => {
    const containers = useTestContainers(undefined, { cleanup: 'afterAll' });
    const hostId = uniqueHostId('acl-real');
    const agentLog: string[] = [];
    let agent: AgentHandle | undefined;
    let gateway: RunningGateway | undefined;
    const clients: TestClient[] = [];

    beforeAll(async () => {
      await applyAcl(hostId);
      agent = await startAgent(
        loadAgentConfig({ REDIS_URL: url(hostId), HOST_ID: hostId, LOG_LEVEL: 'warn' }),
        { logger: capturingLogger(agentLog), heartbeatIntervalMs: 200, leasePollMs: 200 },
      );
      // The agent announced before any gateway ran: the gateway finds it by its info key.
      await waitFor(async () => (await gw.hosts.get(hostId))?.online === true, {
        timeoutMs: 15_000,
        message: 'agent online',
      });
      gateway = await startGateway(
        loadGatewayConfig({
          REDIS_URL: redis.url,
          PORT: '0',
          LOG_LEVEL: 'error',
          WEB_DIST: '/nonexistent/flotilla-web',
        }),
        { processMetrics: false, tuning: TEST_TUNING },
      );
    });

    afterAll(async () => {
      for (const client of clients) client.close();
      await gateway?.close();
      await agent?.stop();
    });

    const connect = async (): Promise<TestClient> => {
      const client = await TestClient.connect(gateway!.url);
      clients.push(client);
      return client;
    };

    it('does its whole job: inventory, logs, stats, commands; the fleet survives the reproduced attacks', async () => {
      const c = await containers.create(ticker('acl-tick', 0.05));
      await waitFor(async () => (await gw.snapshots.get(hostId, c.id))?.state === 'running', {
        timeoutMs: 15_000,
        message: 'the agent published the container',
      });
      const viewer = await connect();
      const state = viewer.all('initial_state')[0];
      expect(state.hosts).toContainEqual(
        expect.objectContaining({ host_id: hostId, online: true }),
      );
      expect(state.containers.map((x) => x.container_id)).toContain(c.id);
      expect(await viewer.request('start_log_stream', { container_id: c.id })).toMatchObject({
        status: 'stream_started',
        host_id: hostId,
      });
      await viewer.waitForLines(c.id, 5, 15_000);
      expect(await viewer.request('subscribe_stats', { container_id: c.id })).toEqual({
        status: 'ok',
      });
      await viewer.waitFor('stats_update', (s) => s.container_id === c.id, 15_000);
      // `start` on a running container: the whole command path (stream, Docker, reply), quickly.
      expect(
        await viewer.request('container_action', {
          container_id: c.id,
          host_id: hostId,
          action: 'start',
        }),
      ).toEqual({ status: 'ok', action: 'start', unchanged: true });

      // The attacks reproduced against the shared host set, with this agent's own credentials.
      const raw = new Redis(url(hostId));
      try {
        for (const command of [
          ['DEL', RedisKeys.hosts],
          ['SET', RedisKeys.hosts, 'not a set'],
          ['PEXPIRE', RedisKeys.hosts, '1'],
        ]) {
          expect(await refused(raw.call(...(command as [string, ...string[]])))).toMatch(/NOPERM/);
        }
      } finally {
        raw.disconnect();
      }
      const late = await connect();
      const initial = late.all('initial_state')[0];
      expect(initial.hosts).toContainEqual(expect.objectContaining({ host_id: hostId }));
      expect(initial.containers.map((x) => x.container_id)).toContain(c.id);
      const hosts = await fetch(`${gateway!.url}/api/hosts`);
      expect(hosts.status).toBe(200);
      const body = (await hosts.json()) as { hosts: { host_id: string }[] };
      expect(body.hosts.map((h) => h.host_id)).toContain(hostId);
      expect(agentLog.filter((m) => /NOPERM|EXECABORT|cannot interrupt/.test(m))).toEqual([]);
    });
  });
});
