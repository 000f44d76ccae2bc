import Redis from 'ioredis';
import { RedisKeys } from '@flotilla/contracts';
import {
  announceHost,
  changed,
  makeContainer,
  publishChange,
  statsSample,
  uniqueHostId,
  writeLines,
} from '../support/fleet-fixtures';
import { fakeCommandLoop } from '../support/fake-agent';
import { startHarness, type Harness } from '../support/gateway-harness';
import type { TestClient } from '../support/test-client';
import { bearer, connectAs, SECRET, token, writeUsers } from './security-fixtures';

jest.setTimeout(60_000);

/**
 * Two users confined to different hosts, on different replicas: alice (viewer, host A) on
 * replica 0, bob (operator, host B) on replica 1, and an admin of both. Every channel is checked;
 * at the end nothing alice received mentions host B or its container, nor bob host A.
 */
describe('roles and host scopes on every channel (two replicas, real Redis)', () => {
  const hostA = uniqueHostId('scope-a');
  const hostB = uniqueHostId('scope-b');
  const onA = makeContainer(hostA, { name: 'alpha' });
  const onB = makeContainer(hostB, { name: 'bravo' });
  let h: Harness;
  let redis: Redis;
  let alice: TestClient;
  let bob: TestClient;
  let aliceToken: string;
  let bobToken: string;
  let adminToken: string;

  beforeAll(async () => {
    const usersFile = writeUsers([
      { user: 'alice', role: 'viewer', scopes: { hosts: [hostA] } },
      { user: 'bob', role: 'operator', scopes: { hosts: [hostB] } },
      { user: 'root', role: 'admin' },
    ]);
    h = await startHarness({
      replicas: 2,
      env: { AUTH_MODE: 'users', USERS_FILE: usersFile, SESSION_SECRET: SECRET },
    });
    redis = new Redis(h.redis.url);
    await announceHost(h.bus, hostA, [onA]);
    await announceHost(h.bus, hostB, [onB]);
    await writeLines(h.bus, hostA, onA.container_id, 1, 3, { prefix: 'alpha' });
    await writeLines(h.bus, hostB, onB.container_id, 1, 3, { prefix: 'bravo' });
    aliceToken = await token(h.gateways[0].url, 'alice');
    bobToken = await token(h.gateways[1].url, 'bob');
    adminToken = await token(h.gateways[0].url, 'root');
    alice = await connectAs(h.gateways[0].url, bearer(aliceToken));
    bob = await connectAs(h.gateways[1].url, bearer(bobToken));
  });

  afterAll(async () => {
    alice?.close();
    bob?.close();
    redis?.disconnect();
    await h?.close();
  });

  /** Events that mention any needle, but the errors echoing the client's own requests. */
  const mentions = (client: TestClient, ...needles: string[]) =>
    client.received.filter(
      (r) => r.event !== 'error' && needles.some((n) => JSON.stringify(r.payload).includes(n)),
    );

  it('initial_state holds only the hosts and containers in scope', async () => {
    const aliceState = await alice.waitFor('initial_state');
    const bobState = await bob.waitFor('initial_state');
    expect(aliceState.containers.map((c) => c.container_id)).toEqual([onA.container_id]);
    expect(bobState.containers.map((c) => c.container_id)).toEqual([onB.container_id]);
    expect(JSON.stringify(aliceState)).not.toContain(hostB);
    expect(JSON.stringify(bobState)).not.toContain(hostA);
  });

  it('container state changes reach only the users whose scope holds the container', async () => {
    await publishChange(h.bus, changed(onB, { status: 'Up 5 seconds' }));
    await publishChange(h.bus, changed(onA, { status: 'Up 6 seconds' }));
    await bob.waitFor('container_state_change', (c) => c.container_id === onB.container_id);
    await alice.waitFor('container_state_change', (c) => c.container_id === onA.container_id);
    // Both changes were routed; alice's arrived, so bob's would have too had it been sent to her.
    expect(alice.all('container_state_change').some((c) => c.host_id === hostB)).toBe(false);
    expect(bob.all('container_state_change').some((c) => c.host_id === hostA)).toBe(false);
  });

  it('host changes reach only the users whose scope holds the host', async () => {
    await redis.del(RedisKeys.heartbeat(hostB), RedisKeys.heartbeat(hostA));
    await bob.waitFor('host_state_change', (s) => s.host_id === hostB && !s.online, 10_000);
    await alice.waitFor('host_state_change', (s) => s.host_id === hostA && !s.online, 10_000);
    expect(alice.all('host_state_change').some((s) => s.host_id === hostB)).toBe(false);
    await h.bus.hosts.beat(hostA);
    await h.bus.hosts.beat(hostB);
    await bob.waitFor('host_state_change', (s) => s.host_id === hostB && s.online, 10_000);
    await alice.waitFor('host_state_change', (s) => s.host_id === hostA && s.online, 10_000);
  });

  it('logs: a container out of scope is answered exactly like an unknown one; in scope it streams', async () => {
    const outOfScope = await alice.request('start_log_stream', { container_id: onB.container_id });
    const unknown = await alice.request('start_log_stream', { container_id: 'f'.repeat(64) });
    expect(outOfScope).toEqual({
      ...unknown,
      error: (unknown as { error: string }).error.replace('f'.repeat(64), onB.container_id),
    });
    expect(outOfScope).toMatchObject({ status: 'error', code: 'unknown_container' });
    const byPrefix = await alice.request('start_log_stream', {
      container_id: onB.container_id.slice(0, 12),
    });
    expect(byPrefix).toMatchObject({ status: 'error', code: 'unknown_container' });
    expect(
      await alice.request('start_log_stream', { container_id: onA.container_id }),
    ).toMatchObject({ status: 'stream_started' });
    expect(await bob.request('start_log_stream', { container_id: onB.container_id })).toMatchObject(
      { status: 'stream_started' },
    );
    await alice.waitForLines(onA.container_id, 3);
    await bob.waitForLines(onB.container_id, 3);
    await writeLines(h.bus, hostB, onB.container_id, 4, 2, { prefix: 'bravo' });
    await bob.waitForLines(onB.container_id, 5);
    expect(alice.logUpdates(onB.container_id)).toEqual([]);
  });

  it('stats: out of scope is unknown; samples reach only subscribers in scope', async () => {
    const refused = await alice.request('subscribe_stats', { container_id: onB.container_id });
    const unknown = await alice.request('subscribe_stats', { container_id: 'f'.repeat(64) });
    expect(refused).toEqual({
      ...unknown,
      error: (unknown as { error: string }).error.replace('f'.repeat(64), onB.container_id),
    });
    expect(refused).toMatchObject({ status: 'error', code: 'unknown_container' });
    // Ending what one does not watch is answered ok, in scope or not: it tells nothing either way.
    const errors = alice.all('error').length;
    for (const container_id of [onB.container_id, 'f'.repeat(64)]) {
      expect(await alice.request('unsubscribe_stats', { container_id })).toEqual({ status: 'ok' });
      expect(await alice.request('stop_log_stream', { container_id })).toEqual({ status: 'ok' });
    }
    expect(alice.all('error')).toHaveLength(errors);
    expect(await bob.request('subscribe_stats', { container_id: onB.container_id })).toMatchObject({
      status: 'ok',
    });
    await h.bus.stats.append(statsSample(hostB, onB.container_id, 42));
    await bob.waitFor('stats_update', (s) => s.container_id === onB.container_id, 10_000);
    expect(alice.all('stats_update')).toEqual([]);
  });

  it('actions: viewers may not act; out of scope is unknown; records reach only users in scope', async () => {
    const agentB = fakeCommandLoop(h.bus, hostB, () => ({}));
    const agentA = fakeCommandLoop(h.bus, hostA, () => ({}));
    try {
      expect(
        await alice.request('container_action', {
          container_id: onA.container_id,
          host_id: hostA,
          action: 'stop',
        }),
      ).toMatchObject({
        status: 'error',
        code: 'forbidden',
      });
      expect(
        await alice.request('container_action', {
          container_id: onB.container_id,
          host_id: hostB,
          action: 'stop',
        }),
      ).toMatchObject({
        status: 'error',
        code: 'unknown_container',
      });
      expect(
        await bob.request('container_action', {
          container_id: onA.container_id,
          host_id: hostA,
          action: 'stop',
        }),
      ).toMatchObject({
        status: 'error',
        code: 'unknown_container',
      });
      expect(
        await bob.request('container_action', {
          container_id: onB.container_id,
          host_id: hostB,
          action: 'remove',
        }),
      ).toMatchObject({
        status: 'error',
        code: 'forbidden',
      });
      expect(
        await bob.request('container_action', {
          container_id: onB.container_id,
          host_id: hostB,
          action: 'restart',
        }),
      ).toMatchObject({
        status: 'ok',
      });
      await bob.waitFor(
        'container_action',
        (r) => r.container_id === onB.container_id && r.user === 'bob',
      );
      // An admin acting on host A: alice (replica 0) sees it, bob (replica 1) does not.
      const res = await fetch(
        `${h.gateways[1].url}/api/containers/${hostA}/${onA.container_id}/restart`,
        {
          method: 'POST',
          headers: bearer(adminToken),
        },
      );
      expect(res.status).toBe(200);
      await alice.waitFor(
        'container_action',
        (r) => r.container_id === onA.container_id && r.user === 'root',
      );
      expect(alice.all('container_action').some((r) => r.host_id === hostB)).toBe(false);
      expect(bob.all('container_action').some((r) => r.host_id === hostA)).toBe(false);
      expect(agentA.requests.map((r) => r.requested_by)).toEqual(['root']);
      expect(agentB.requests.map((r) => r.requested_by)).toEqual(['bob']);
    } finally {
      await agentA.stop();
      await agentB.stop();
    }
  });

  it('REST: lists and inspect answer only what is in scope; out of scope is a 404 like an unknown container', async () => {
    const get = async (path: string, t: string) => {
      const res = await fetch(`${h.gateways[1].url}${path}`, { headers: bearer(t) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const hosts = await get('/api/hosts', aliceToken);
    expect(JSON.stringify(hosts.body)).toContain(hostA);
    expect(JSON.stringify(hosts.body)).not.toContain(hostB);
    const containers = await get('/api/containers', aliceToken);
    expect(
      (containers.body.containers as { container_id: string }[]).map((c) => c.container_id),
    ).toEqual([onA.container_id]);
    expect((await get(`/api/containers?host=${hostB}`, aliceToken)).body).toEqual({
      containers: [],
    });
    const hidden = await get(`/api/containers/${hostB}/${onB.container_id}`, aliceToken);
    const unknown = await get(`/api/containers/${hostB}/${'e'.repeat(64)}`, aliceToken);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual({
      ...unknown.body,
      error: `no container ${onB.container_id}`,
      container_id: onB.container_id,
    });
    expect((await get(`/api/containers/${hostA}/${onA.container_id}`, aliceToken)).status).toBe(
      200,
    );
    const act = await fetch(
      `${h.gateways[0].url}/api/containers/${hostB}/${onB.container_id}/stop`,
      { method: 'POST', headers: bearer(aliceToken) },
    );
    expect(act.status).toBe(404);
  });

  it('nothing alice received mentions host B or its container, nor bob host A', () => {
    expect(alice.received.length).toBeGreaterThan(5);
    expect(mentions(alice, hostB, onB.container_id, 'bravo')).toEqual([]);
    expect(mentions(bob, hostA, onA.container_id, 'alpha')).toEqual([]);
    const echoes = alice
      .all('error')
      .filter((e) => JSON.stringify(e).includes(hostB) || JSON.stringify(e).includes('bravo'));
    expect(echoes).toEqual([]);
  });
});
