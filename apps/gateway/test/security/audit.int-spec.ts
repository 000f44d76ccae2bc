import Redis from 'ioredis';
import { RedisKeys, type AuditEvent } from '@flotilla/contracts';
import { announceHost, makeContainer, uniqueHostId } from '../support/fleet-fixtures';
import { fakeCommandLoop } from '../support/fake-agent';
import { startHarness, type Harness } from '../support/gateway-harness';
import { bearer, connectAs, login, SECRET, token, writeUsers } from './security-fixtures';

jest.setTimeout(60_000);

describe('audit trail: stored, pushed live to admins on every replica, listed for admins (real Redis)', () => {
  const host = uniqueHostId('audit');
  const container = makeContainer(host);
  let h: Harness;
  let redis: Redis;

  beforeAll(async () => {
    const usersFile = writeUsers([
      { user: 'olga', role: 'operator' },
      { user: 'vic', role: 'viewer' },
      { user: 'root', role: 'admin' },
    ]);
    h = await startHarness({
      replicas: 2,
      env: { AUTH_MODE: 'users', USERS_FILE: usersFile, SESSION_SECRET: SECRET },
    });
    redis = new Redis(h.redis.url);
    await announceHost(h.bus, host, [container]);
  });

  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
  });

  it('records logins, failed logins, actions (allowed and refused) and logouts; admins see each live', async () => {
    const admin = await connectAs(
      h.gateways[1].url,
      bearer(await token(h.gateways[1].url, 'root')),
    );
    const operatorToken = await token(h.gateways[0].url, 'olga');
    const viewerToken = await token(h.gateways[0].url, 'vic');
    const operator = await connectAs(h.gateways[0].url, bearer(operatorToken));
    const viewer = await connectAs(h.gateways[0].url, bearer(viewerToken));
    const agent = fakeCommandLoop(h.bus, host, () => ({}));
    try {
      expect((await login(h.gateways[0].url, 'olga', 'wrong')).status).toBe(401);
      await operator.request('container_action', {
        container_id: container.container_id,
        host_id: host,
        action: 'restart',
      });
      await viewer.request('container_action', {
        container_id: container.container_id,
        host_id: host,
        action: 'stop',
      });
      await fetch(`${h.gateways[0].url}/api/logout`, {
        method: 'POST',
        headers: bearer(operatorToken),
      });

      const live = (kind: AuditEvent['kind'], user: string) =>
        admin.waitFor('audit_event', (e) => e.kind === kind && e.user === user);
      expect(await live('login', 'olga')).toMatchObject({ ok: true, ip: '127.0.0.1' });
      expect(await live('login_failed', 'olga')).toMatchObject({
        ok: false,
        error: 'wrong user or password',
      });
      expect(await live('restart', 'olga')).toMatchObject({
        ok: true,
        host_id: host,
        container_id: container.container_id,
      });
      expect(await live('stop', 'vic')).toMatchObject({ ok: false, error: 'forbidden' });
      expect(await live('logout', 'olga')).toMatchObject({ ok: true });
      expect(viewer.all('audit_event')).toEqual([]);
      expect(operator.all('audit_event')).toEqual([]);
      expect(agent.requests).toHaveLength(1);
      expect(await redis.xlen(RedisKeys.audit)).toBeGreaterThanOrEqual(7);
    } finally {
      await agent.stop();
    }
  });

  it('GET /api/audit: admins only, newest first, ?limit=', async () => {
    const adminToken = await token(h.gateways[0].url, 'root');
    const res = await fetch(`${h.gateways[1].url}/api/audit?limit=3`, {
      headers: bearer(adminToken),
    });
    expect(res.status).toBe(200);
    const { events } = (await res.json()) as { events: AuditEvent[] };
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ kind: 'login', user: 'root' });
    const times = events.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const forbidden = await fetch(`${h.gateways[1].url}/api/audit`, {
      headers: bearer(await token(h.gateways[0].url, 'olga')),
    });
    expect(forbidden.status).toBe(403);
    expect((await fetch(`${h.gateways[1].url}/api/audit`)).status).toBe(401);
    expect(
      (await fetch(`${h.gateways[1].url}/api/audit?limit=0`, { headers: bearer(adminToken) }))
        .status,
    ).toBe(400);
    expect(
      (await fetch(`${h.gateways[1].url}/api/audit?limit=5000`, { headers: bearer(adminToken) }))
        .status,
    ).toBe(400);
  });
});
