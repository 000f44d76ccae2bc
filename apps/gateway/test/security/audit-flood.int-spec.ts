import Redis from 'ioredis';
import { spawn } from 'node:child_process';
import { waitFor } from '@flotilla/testing';
import { RedisKeys, type AuditEvent, type ContainerActionAck } from '@flotilla/contracts';
import { DEFAULT_TUNING } from '../../src/core/gateway-tuning';
import { announceHost, makeContainer, uniqueHostId } from '../support/fleet-fixtures';
import { fakeCommandLoop } from '../support/fake-agent';
import { startHarness, TEST_TUNING, type Harness } from '../support/gateway-harness';
import { startReplicaChild } from '../support/replica-child';
import type { TestClient } from '../support/test-client';
import { bearer, connectAs, SECRET, token, writeUsers } from './security-fixtures';

jest.setTimeout(120_000);

const COALESCE_MS = 1_000;
const SOCKETS = 4;
const ACTIONS_PER_SOCKET = 2_500;

/** GETs `url` every 50 ms from a child process until stopped; reports the slowest answer. */
function restProbe(
  url: string,
  authToken: string,
): { stop(): Promise<{ calls: number; slowest: number }> } {
  const script = `
    let calls = 0, slowest = 0, running = true;
    process.on('message', () => { running = false; });
    (async () => {
      while (running) {
        const started = Date.now();
        const res = await fetch(process.env.URL, { headers: { authorization: 'Bearer ' + process.env.TOKEN } });
        await res.text();
        if (res.status !== 200) throw new Error('status ' + res.status);
        slowest = Math.max(slowest, Date.now() - started);
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      process.send({ calls, slowest }, () => process.disconnect());
    })();
  `;
  const child = spawn(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH ?? '', URL: url, TOKEN: authToken },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = new Promise<{ calls: number; slowest: number }>((resolve, reject) => {
    child.once('message', (m: { calls: number; slowest: number }) => resolve(m));
    child.once('exit', (code) => reject(new Error(`REST probe exited (${code})`)));
  });
  return {
    stop: () => {
      child.send('stop');
      return result;
    },
  };
}

async function listAudit(url: string, authToken: string, limit = 1_000): Promise<AuditEvent[]> {
  const res = await fetch(`${url}/api/audit?limit=${limit}`, { headers: bearer(authToken) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { events: AuditEvent[] }).events;
}

describe('audit under attack: refusals rate limited and coalesced, scoped admins see their hosts only (real Redis, two replicas)', () => {
  const hostA = uniqueHostId('audit-a');
  const hostB = uniqueHostId('audit-b');
  const onA = makeContainer(hostA, { name: 'web-a' });
  const onB = makeContainer(hostB, { name: 'web-b' });
  let h: Harness;
  let redis: Redis;
  let replicaEnv: Record<string, string>;
  let closeReplica = (): Promise<void> => Promise.resolve();

  beforeAll(async () => {
    const usersFile = writeUsers([
      { user: 'olga', role: 'operator' },
      { user: 'vic', role: 'viewer' },
      { user: 'root', role: 'admin' },
      { user: 'hana', role: 'admin', scopes: { hosts: [hostA] } },
    ]);
    replicaEnv = { AUTH_MODE: 'users', USERS_FILE: usersFile, SESSION_SECRET: SECRET };
    h = await startHarness({
      replicas: 2,
      tuning: { auditCoalesceMs: COALESCE_MS },
      env: replicaEnv,
    });
    redis = new Redis(h.redis.url);
    await announceHost(h.bus, hostA, [onA]);
    await announceHost(h.bus, hostB, [onB]);
  });

  afterAll(async () => {
    await closeReplica();
    redis?.disconnect();
    await h?.close();
  });

  it('a viewer flooding refused actions leaves a few records whose counts add up, and the login record survives', async () => {
    // The flooded replica runs in a process of its own, so its REST latency is its own.
    const replica = await startReplicaChild(
      {
        ...replicaEnv,
        REDIS_URL: h.redis.url,
        PORT: '0',
        LOG_LEVEL: 'warn',
        WEB_DIST: '/nonexistent',
      },
      { tuning: { ...TEST_TUNING, auditCoalesceMs: COALESCE_MS } },
    );
    closeReplica = () => replica.close();
    const rootToken = await token(replica.url, 'root');
    const admin = await connectAs(replica.url, bearer(rootToken));
    const vicToken = await token(replica.url, 'vic');
    const viewers: TestClient[] = [];
    for (let i = 0; i < SOCKETS; i++) viewers.push(await connectAs(replica.url, bearer(vicToken)));
    h.clients.push(admin, ...viewers);
    const streamBefore = await redis.xlen(RedisKeys.audit);

    // The admin keeps using REST while the flood runs, from a process of its own (this one is
    // busy with the flooding clients).
    const probe = restProbe(`${replica.url}/api/audit?limit=10`, rootToken);
    const codes = new Map<string, number>();
    const started = Date.now();
    await Promise.all(
      viewers.map(
        (viewer) =>
          new Promise<void>((resolve) => {
            let acked = 0;
            for (let i = 0; i < ACTIONS_PER_SOCKET; i++) {
              viewer.socket.emit(
                'container_action',
                { container_id: onA.container_id, host_id: hostA, action: 'stop' },
                (ack: ContainerActionAck) => {
                  const code = 'code' in ack ? ack.code : ack.status;
                  codes.set(code, (codes.get(code) ?? 0) + 1);
                  if (++acked === ACTIONS_PER_SOCKET) resolve();
                },
              );
            }
          }),
      ),
    );
    const floodMs = Date.now() - started;
    const { calls, slowest } = await probe.stop();
    const total = SOCKETS * ACTIONS_PER_SOCKET;

    console.log(
      `audit flood: ${total} refused actions from ${SOCKETS} sockets in ${floodMs} ms ` +
        `(${codes.get('forbidden')} forbidden, ${codes.get('rate_limited')} rate limited); ` +
        `admin REST ${calls} calls, slowest ${slowest} ms; audit stream +${(await redis.xlen(RedisKeys.audit)) - streamBefore}`,
    );
    expect((codes.get('forbidden') ?? 0) + (codes.get('rate_limited') ?? 0)).toBe(total);
    // vic gets the burst then the sustained rate; everything else is rate limited.
    const allowed =
      DEFAULT_TUNING.actionBurst + (DEFAULT_TUNING.actionsPerSecond * floodMs) / 1000 + 1;
    expect(codes.get('forbidden')).toBeLessThanOrEqual(allowed);

    // Every refusal is accounted for, in few records: per reason, the first at once and then
    // one per window while the flood lasted.
    const vicRecords = async () =>
      (await listAudit(h.gateways[0].url, rootToken)).filter(
        (e) => e.user === 'vic' && e.kind === 'stop',
      );
    const counted = (events: AuditEvent[]) => events.reduce((n, e) => n + (e.count ?? 1), 0);
    const records = await waitFor(
      async () => {
        const events = await vicRecords();
        return counted(events) === total ? events : null;
      },
      { timeoutMs: 10 * COALESCE_MS, intervalMs: 200, message: 'every refusal to be recorded' },
    );
    const windows = Math.ceil(floodMs / COALESCE_MS) + 2;
    expect(records.length).toBeLessThanOrEqual(2 * windows);
    expect(records.every((e) => e.ok === false && e.kind === 'stop')).toBe(true);
    expect(new Set(records.map((e) => e.error))).toEqual(new Set(['forbidden', 'rate_limited']));
    expect(await redis.xlen(RedisKeys.audit)).toBeLessThanOrEqual(streamBefore + records.length);

    // Admins were pushed the records, not the refusals.
    expect(
      admin.all('audit_event').filter((e) => e.user === 'vic' && e.kind === 'stop'),
    ).toHaveLength(records.length);
    // The trail still holds who logged in.
    const trail = await listAudit(h.gateways[0].url, rootToken);
    expect(trail.some((e) => e.kind === 'login' && e.user === 'root')).toBe(true);

    // The admin's REST calls were answered throughout (their latency is printed above: on a
    // busy machine it is the flood's CPU, no longer audit writes and pushes, that delays them).
    expect(calls).toBeGreaterThan(0);
  });

  it('an admin scoped to host A sees only host A audit, live and in GET /api/audit', async () => {
    const rootToken = await token(h.gateways[0].url, 'root');
    const hanaToken = await token(h.gateways[0].url, 'hana');
    const root = await connectAs(h.gateways[1].url, bearer(rootToken));
    const hana = await connectAs(h.gateways[1].url, bearer(hanaToken));
    const operator = await connectAs(
      h.gateways[0].url,
      bearer(await token(h.gateways[0].url, 'olga')),
    );
    h.clients.push(root, hana, operator);
    // Beat again: the flood above may have outlasted the heartbeat.
    await announceHost(h.bus, hostA, [onA]);
    await announceHost(h.bus, hostB, [onB]);
    const agents = [hostA, hostB].map((host) => fakeCommandLoop(h.bus, host, () => ({})));
    try {
      // From one replica, in this order: B's record reaches replica 1 before A's.
      for (const c of [onB, onA]) {
        const ack = await operator.request('container_action', {
          container_id: c.container_id,
          host_id: c.host_id,
          action: 'restart',
        });
        expect(ack).toMatchObject({ status: 'ok' });
      }
      const restartOf = (host: string) => (e: AuditEvent) =>
        e.kind === 'restart' && e.user === 'olga' && e.host_id === host;
      await root.waitFor('audit_event', restartOf(hostB));
      expect(await root.waitFor('audit_event', restartOf(hostA))).toMatchObject({
        ok: true,
        container_name: 'web-a',
      });
      await hana.waitFor('audit_event', restartOf(hostA));
      expect(hana.all('audit_event').every((e) => e.host_id === hostA)).toBe(true);

      const hanaList = await listAudit(h.gateways[0].url, hanaToken);
      expect(hanaList.some(restartOf(hostA))).toBe(true);
      expect(hanaList.every((e) => e.host_id === hostA)).toBe(true);
      const rootList = await listAudit(h.gateways[0].url, rootToken);
      expect(rootList.some(restartOf(hostB))).toBe(true);
      expect(rootList.some((e) => e.kind === 'login' && e.user === 'hana')).toBe(true);
    } finally {
      await Promise.all(agents.map((a) => a.stop()));
    }
  });
});
