import Redis from 'ioredis';
import { waitFor } from '@flotilla/testing';
import { startGateway, type RunningGateway } from '../../src/gateway-app';
import { LOGIN_ATTEMPTS } from '../../src/auth/auth-store.service';
import { startHarness, TEST_TUNING, type Harness } from '../support/gateway-harness';
import {
  bearer,
  clearLoginAttempts,
  connectAs,
  login,
  SECRET,
  token,
  tryHandshake,
  waitForReplicasReconnected,
  writeUsers,
} from './security-fixtures';

jest.setTimeout(60_000);

describe('AUTH_MODE=users: login, sessions, handshake, revocation (two replicas, real Redis)', () => {
  let h: Harness;
  let redis: Redis;

  beforeAll(async () => {
    const usersFile = writeUsers([
      { user: 'alice', role: 'operator' },
      { user: 'bob', role: 'viewer', scopes: { hosts: ['host-b'] } },
    ]);
    h = await startHarness({
      replicas: 2,
      env: { AUTH_MODE: 'users', USERS_FILE: usersFile, SESSION_SECRET: SECRET },
    });
    redis = new Redis(h.redis.url);
  });

  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
  });

  // Each test logs in afresh; the rate-limit test below checks the limit itself.
  beforeEach(() => clearLoginAttempts(redis));

  it('logs in: an httpOnly SameSite=Strict cookie and a bearer token, good on every replica', async () => {
    const result = await login(h.gateways[0].url, 'alice');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ user: 'alice', role: 'operator' });
    expect(result.cookie).toMatch(/^flotilla_session=[^;]+;.*HttpOnly/i);
    expect(result.cookie).toMatch(/SameSite=Strict/i);
    const expires = Date.parse(result.body.expires_at ?? '');
    expect(expires - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(60 * 60_000);

    const me = await fetch(`${h.gateways[1].url}/api/me`, {
      headers: bearer(result.body.token ?? ''),
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      user: 'alice',
      roles: ['operator'],
      scopes: ['host:*'],
    });
    const cookie = (result.cookie ?? '').split(';')[0];
    const byCookie = await fetch(`${h.gateways[1].url}/api/me`, { headers: { cookie } });
    expect(await byCookie.json()).toMatchObject({ user: 'alice' });
  });

  it('refuses a wrong password, an unknown user and a malformed body alike, without a cookie', async () => {
    const wrong = await login(h.gateways[0].url, 'alice', 'not the password');
    const unknown = await login(h.gateways[0].url, 'mallory');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.cookie).toBeNull();
    const malformed = await fetch(`${h.gateways[0].url}/api/login`, {
      method: 'POST',
      body: '{"user": 1',
    });
    expect(malformed.status).toBe(400);
  });

  it('answers the REST API 401 without a session, with a forged one, or with a tampered one', async () => {
    const good = await token(h.gateways[0].url, 'alice');
    const [body, sig] = good.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as { user: string };
    const forgedBody = Buffer.from(JSON.stringify({ ...claims, user: 'root' })).toString(
      'base64url',
    );
    for (const headers of [
      {},
      bearer('garbage'),
      bearer(`${forgedBody}.${sig}`),
      bearer(`${body}.${sig.slice(0, -2)}AA`),
    ]) {
      const res = await fetch(`${h.gateways[0].url}/api/hosts`, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'unauthenticated' });
    }
  });

  it('tells each socket the actions its role allows; says without a session that login is used', async () => {
    const offered = await fetch(`${h.gateways[0].url}/api/login`);
    expect(offered.status).toBe(200);
    const alice = await connectAs(
      h.gateways[0].url,
      bearer(await token(h.gateways[0].url, 'alice')),
    );
    const bob = await connectAs(h.gateways[1].url, bearer(await token(h.gateways[0].url, 'bob')));
    try {
      expect(alice.all('connection_established')[0]).toMatchObject({
        user: 'alice',
        actions: ['start', 'stop', 'restart', 'unpause'],
      });
      expect(bob.all('connection_established')[0]).toMatchObject({ user: 'bob', actions: [] });
    } finally {
      alice.close();
      bob.close();
    }
  });

  it('refuses an unauthenticated handshake with connect_error "unauthenticated"; the socket receives nothing', async () => {
    for (const headers of [{}, bearer('garbage'), { cookie: 'flotilla_session=nope' }]) {
      const { outcome, events } = await tryHandshake(h.gateways[0].url, headers);
      expect(outcome).toBe('unauthenticated');
      expect(events).toEqual([]);
    }
    const { outcome, events } = await tryHandshake(
      h.gateways[0].url,
      bearer(await token(h.gateways[0].url, 'alice')),
    );
    expect(outcome).toBe('connected');
    expect(events).toContain('connection_established');
  });

  it('logout revokes the session: its sockets on both replicas are disconnected, the token no longer works', async () => {
    const t = await token(h.gateways[0].url, 'alice');
    const other = await token(h.gateways[0].url, 'alice');
    const onA = await connectAs(h.gateways[0].url, bearer(t));
    const onB = await connectAs(h.gateways[1].url, bearer(t));
    const untouched = await connectAs(h.gateways[1].url, bearer(other));
    const closed = (c: typeof onA) =>
      new Promise<string>((resolve) => c.socket.once('disconnect', resolve));
    const [closedA, closedB] = [closed(onA), closed(onB)];

    const res = await fetch(`${h.gateways[1].url}/api/logout`, {
      method: 'POST',
      headers: bearer(t),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/flotilla_session=;/);
    expect(await closedA).toBe('io server disconnect');
    expect(await closedB).toBe('io server disconnect');
    expect(untouched.socket.connected).toBe(true);

    expect((await fetch(`${h.gateways[0].url}/api/me`, { headers: bearer(t) })).status).toBe(401);
    expect((await tryHandshake(h.gateways[1].url, bearer(t))).outcome).toBe('unauthenticated');
    const { sid } = JSON.parse(Buffer.from(t.split('.')[0], 'base64url').toString()) as {
      sid: string;
    };
    expect(await redis.exists(`flotilla:v1:auth:session:${sid}`)).toBe(0);
    untouched.close();
  });

  it('disconnects a socket when its session expires, and refuses the expired token', async () => {
    let short: RunningGateway | undefined;
    try {
      short = await startGateway(
        { ...h.config, sessionTtlMs: 1_500 },
        { processMetrics: false, tuning: TEST_TUNING },
      );
      const t = await token(short.url, 'alice');
      const client = await connectAs(short.url, bearer(t));
      const reason = await new Promise<string>((resolve) =>
        client.socket.once('disconnect', resolve),
      );
      expect(reason).toBe('io server disconnect');
      expect((await tryHandshake(short.url, bearer(t))).outcome).toBe('unauthenticated');
      expect((await fetch(`${short.url}/api/me`, { headers: bearer(t) })).status).toBe(401);
    } finally {
      await short?.close();
    }
  });

  it('rate-limits login attempts per address across replicas (429 with Retry-After)', async () => {
    await clearLoginAttempts(redis);
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_ATTEMPTS.perUser + 2; i++) {
      statuses.push((await login(h.gateways[i % 2].url, 'alice', 'guess')).status);
    }
    expect(statuses.slice(0, LOGIN_ATTEMPTS.perUser).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(LOGIN_ATTEMPTS.perUser)).toEqual([429, 429]);
    const res = await login(h.gateways[0].url, 'alice');
    expect(res.status).toBe(429);
    await clearLoginAttempts(redis);
    expect((await login(h.gateways[0].url, 'alice')).status).toBe(200);
  });

  it('keeps a logged-out token refused after Redis restarts without its data; other sessions fail closed', async () => {
    const loggedOut = await token(h.gateways[0].url, 'alice');
    const live = await token(h.gateways[0].url, 'alice');
    expect(
      (
        await fetch(`${h.gateways[0].url}/api/logout`, {
          method: 'POST',
          headers: bearer(loggedOut),
        })
      ).status,
    ).toBe(200);

    await h.redis.stop();
    await h.redis.start(); // no persistence: every key is gone
    await waitForReplicasReconnected(
      redis,
      h.gateways.map((g) => g.replicaId),
    );
    // Both replicas reach Redis again once a login works on each.
    for (const gateway of h.gateways) {
      await waitFor(async () => (await login(gateway.url, 'bob')).status === 200, {
        timeoutMs: 20_000,
        intervalMs: 200,
        message: `a login on ${gateway.url} after the restart`,
      });
    }

    for (const gateway of h.gateways) {
      for (const t of [loggedOut, live]) {
        expect((await fetch(`${gateway.url}/api/me`, { headers: bearer(t) })).status).toBe(401);
        expect((await tryHandshake(gateway.url, bearer(t))).outcome).toBe('unauthenticated');
      }
    }
    const fresh = await token(h.gateways[1].url, 'alice');
    expect((await fetch(`${h.gateways[0].url}/api/me`, { headers: bearer(fresh) })).status).toBe(
      200,
    );
  });
});
