import { waitFor } from '@flotilla/testing';
import { announceHost, makeContainer, uniqueHostId, writeLines } from '../support/fleet-fixtures';
import { fakeCommandLoop } from '../support/fake-agent';
import { startHarness, type Harness } from '../support/gateway-harness';
import type { TestClient } from '../support/test-client';
import {
  bearer,
  clearLoginAttempts,
  connectAs,
  rewriteUsers,
  SECRET,
  token,
  tryHandshake,
  writeUsers,
} from './security-fixtures';
import Redis from 'ioredis';
import type { UserRecord } from '../../src/auth/users-file';

jest.setTimeout(90_000);

/** The promise: access changes reach every replica's open sockets within this. */
const WITHIN_MS = 5_000;

/**
 * Users-file changes on two replicas (real Redis): each user has a socket on each replica; the
 * file is rewritten as an admin would, and both sockets must follow within 5 s.
 */
describe('a changed users file reaches open sockets on every replica within 5 s', () => {
  const hostA = uniqueHostId('access-a');
  const hostB = uniqueHostId('access-b');
  const web = makeContainer(hostA, { name: 'web' });
  const cache = makeContainer(hostB, { name: 'cache' });
  let users: Omit<UserRecord, 'hash'>[] = [
    { user: 'olga', role: 'operator' },
    { user: 'sam', role: 'operator' },
    { user: 'rita', role: 'operator' },
    { user: 'root', role: 'admin' },
  ];
  let usersFile: string;
  let h: Harness;
  let redis: Redis;
  let beating: NodeJS.Timeout;
  let agents: { stop(): Promise<void> }[];
  const clients: TestClient[] = [];

  const setUsers = (next: typeof users): number => {
    users = next;
    rewriteUsers(usersFile, users);
    return Date.now();
  };
  const onBoth = async (user: string): Promise<[TestClient, TestClient, string]> => {
    const t = await token(h.gateways[0].url, user);
    const pair: [TestClient, TestClient] = [
      await connectAs(h.gateways[0].url, bearer(t)),
      await connectAs(h.gateways[1].url, bearer(t)),
    ];
    clients.push(...pair);
    return [...pair, t];
  };
  const restart = (client: TestClient) =>
    client.request('container_action', {
      container_id: web.container_id,
      host_id: hostA,
      action: 'restart',
    });
  const disconnected = (client: TestClient) =>
    new Promise<string>((resolve) => {
      if (!client.socket.connected) resolve('already');
      client.socket.once('disconnect', resolve);
    });

  beforeAll(async () => {
    usersFile = writeUsers(users);
    h = await startHarness({
      replicas: 2,
      env: { AUTH_MODE: 'users', USERS_FILE: usersFile, SESSION_SECRET: SECRET },
    });
    redis = new Redis(h.redis.url);
    await announceHost(h.bus, hostA, [web]);
    await announceHost(h.bus, hostB, [cache]);
    beating = setInterval(() => {
      void h.bus.hosts.beat(hostA);
      void h.bus.hosts.beat(hostB);
    }, 2_000);
    await writeLines(h.bus, hostA, web.container_id, 1, 3, { prefix: 'web' });
    agents = [fakeCommandLoop(h.bus, hostA, () => ({})), fakeCommandLoop(h.bus, hostB, () => ({}))];
  });

  beforeEach(() => clearLoginAttempts(redis));

  afterAll(async () => {
    clearInterval(beating);
    for (const client of clients) client.close();
    await Promise.all(agents?.map((a) => a.stop()) ?? []);
    redis?.disconnect();
    await h?.close();
  });

  it('demoted operator → viewer: the next action on either replica is refused; the sockets stay and stream', async () => {
    const [onA, onB] = await onBoth('olga');
    expect(await restart(onA)).toMatchObject({ status: 'ok' });
    expect(await restart(onB)).toMatchObject({ status: 'ok' });

    const changedAt = setUsers(
      users.map((u) => (u.user === 'olga' ? { ...u, role: 'viewer' as const } : u)),
    );
    for (const client of [onA, onB]) {
      await waitFor(async () => (await restart(client)).status === 'error', {
        timeoutMs: WITHIN_MS,
        intervalMs: 100,
        message: 'the action to be refused',
      });
      expect(await restart(client)).toMatchObject({ status: 'error', code: 'forbidden' });
    }
    expect(Date.now() - changedAt).toBeLessThan(WITHIN_MS);

    for (const client of [onA, onB]) {
      expect(client.socket.connected).toBe(true);
      expect(
        await client.request('start_log_stream', { container_id: web.container_id }),
      ).toMatchObject({ status: 'stream_started' });
      await client.waitForLines(web.container_id, 3);
    }
  });

  it('rescoped to another host: both sockets are told and closed; reconnected, they see only the new scope', async () => {
    const [onA, onB] = await onBoth('sam');
    for (const client of [onA, onB]) {
      expect(
        await client.request('start_log_stream', { container_id: web.container_id }),
      ).toMatchObject({ status: 'stream_started' });
    }
    const closed = [disconnected(onA), disconnected(onB)];

    const changedAt = setUsers(
      users.map((u) => (u.user === 'sam' ? { ...u, scopes: { hosts: [hostB] } } : u)),
    );
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(Date.now() - changedAt).toBeLessThan(WITHIN_MS);
    for (const client of [onA, onB])
      expect(client.all('error')).toContainEqual(expect.objectContaining({ code: 'forbidden' }));

    const [again] = await onBoth('sam');
    const state = await again.waitFor('initial_state');
    expect(state.containers.map((c) => c.container_id)).toEqual([cache.container_id]);
    expect(
      await again.request('start_log_stream', { container_id: web.container_id }),
    ).toMatchObject({ status: 'error', code: 'unknown_container' });
    expect(await restart(again)).toMatchObject({ status: 'error', code: 'unknown_container' });
  });

  it('removed: both sockets are closed (no more log lines), the token opens nothing any more', async () => {
    const [onA, onB, t] = await onBoth('rita');
    for (const client of [onA, onB]) {
      expect(
        await client.request('start_log_stream', { container_id: web.container_id }),
      ).toMatchObject({ status: 'stream_started' });
      await client.waitForLines(web.container_id, 3);
    }
    const closed = [disconnected(onA), disconnected(onB)];

    const changedAt = setUsers(users.filter((u) => u.user !== 'rita'));
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(Date.now() - changedAt).toBeLessThan(WITHIN_MS);

    await writeLines(h.bus, hostA, web.container_id, 4, 2, { prefix: 'web' });
    const watcher = (await onBoth('root'))[0];
    expect(
      await watcher.request('start_log_stream', { container_id: web.container_id }),
    ).toMatchObject({ status: 'stream_started' });
    await watcher.waitForLines(web.container_id, 5);
    for (const client of [onA, onB]) expect(client.logLines(web.container_id)).toHaveLength(3);

    for (const gateway of h.gateways) {
      expect((await tryHandshake(gateway.url, bearer(t))).outcome).toBe('unauthenticated');
      const action = await fetch(
        `${gateway.url}/api/containers/${hostA}/${web.container_id}/restart`,
        { method: 'POST', headers: bearer(t) },
      );
      expect(action.status).toBe(401);
    }
  });
});

describe('AUTH_MODE=proxy: sockets authenticate through the proxy again every SESSION_TTL', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      replicas: 1,
      env: { AUTH_MODE: 'proxy', TRUSTED_PROXIES: '127.0.0.1', SESSION_TTL: '2s' },
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('disconnects a proxy socket after SESSION_TTL; the client reconnects through the proxy', async () => {
    const headers = { 'x-forwarded-user': 'vera', 'x-forwarded-groups': 'flotilla-viewer' };
    const client = await connectAs(h.gateways[0].url, headers);
    const connectedAt = Date.now();
    const reason = await new Promise<string>((resolve) =>
      client.socket.once('disconnect', resolve),
    );
    expect(reason).toBe('io server disconnect');
    expect(Date.now() - connectedAt).toBeLessThan(4_000);
    const again = await connectAs(h.gateways[0].url, headers);
    expect(again.socket.connected).toBe(true);
    again.close();
    client.close();
  });
});
