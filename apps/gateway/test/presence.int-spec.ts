import { COMPOSE_PROJECT_LABEL, PRESENCE_TIMINGS, type PresenceTarget } from '@flotilla/contracts';
import { waitFor } from '@flotilla/testing';
import { announceHost, makeContainer, uniqueHostId } from './support/fleet-fixtures';
import { startHarness, type Harness } from './support/gateway-harness';
import { startReplicaChild } from './support/replica-child';
import { TestClient } from './support/test-client';
import {
  bearer,
  connectAs,
  rewriteUsers,
  SECRET,
  token,
  writeUsers,
  type TestUser,
} from './security/security-fixtures';

jest.setTimeout(90_000);

/** The promise: who else is there shows on every replica within 2 s. */
const WITHIN_MS = 2_000;
/** How long a wait may take on a loaded machine before the test gives up. */
const WAIT_MS = 10_000;

/** Waits until the newest `presence` a client received for this kind of target says this. */
function shows(
  client: TestClient,
  kind: PresenceTarget['kind'],
  users: string[],
  anonymous = 0,
): Promise<unknown> {
  return waitFor(
    () => {
      const last = client
        .all('presence')
        .filter((p) => p.target.kind === kind)
        .at(-1);
      return (
        last !== undefined &&
        last.anonymous === anonymous &&
        JSON.stringify(last.users) === JSON.stringify(users)
      );
    },
    {
      timeoutMs: WAIT_MS,
      intervalMs: 10,
      message: `${kind} presence ${users.join()}+${anonymous}`,
    },
  );
}

/** A container's watcher count as the client holds it after every `presence_counts` so far. */
function countOf(client: TestClient, hostId: string, containerId: string): number | undefined {
  let count: number | undefined;
  for (const update of client.all('presence_counts')) {
    if (update.full) count = undefined;
    const n = update.counts[hostId]?.[containerId];
    if (n !== undefined) count = n;
  }
  return count;
}

function counts(
  client: TestClient,
  hostId: string,
  containerId: string,
  n: number,
): Promise<unknown> {
  return waitFor(() => countOf(client, hostId, containerId) === n, {
    timeoutMs: WAIT_MS,
    message: `count ${n}`,
  });
}

/**
 * Two replicas on one real Redis, users signed in on different replicas. alice and bob see all;
 * carol sees only the `web-*` containers of the host. Every message a client receives is kept,
 * so a leak shows however briefly it lasted.
 */
describe('presence across replicas (real Redis, users mode)', () => {
  const host = uniqueHostId('presence');
  const web = makeContainer(host, { name: 'web-1', labels: { [COMPOSE_PROJECT_LABEL]: 'shop' } });
  const db = makeContainer(host, { name: 'db-1', labels: { [COMPOSE_PROJECT_LABEL]: 'data' } });
  const users: TestUser[] = [
    { user: 'alice', role: 'admin' },
    { user: 'bob', role: 'viewer' },
    { user: 'carol', role: 'viewer', scopes: { containers: ['web-*'] } },
  ];
  const onWeb = { kind: 'container', host_id: host, container_id: web.container_id } as const;
  const onDb = { kind: 'container', host_id: host, container_id: db.container_id } as const;
  let usersFile: string;
  let h: Harness;
  let alice: TestClient;
  let bob: TestClient;
  let carol: TestClient;

  beforeAll(async () => {
    usersFile = writeUsers(users);
    h = await startHarness({
      replicas: 2,
      env: { AUTH_MODE: 'users', USERS_FILE: usersFile, SESSION_SECRET: SECRET },
    });
    await announceHost(h.bus, host, [web, db]);
    const [a, b, c] = await Promise.all(
      ['alice', 'bob', 'carol'].map((u) => token(h.gateways[0].url, u)),
    );
    alice = await connectAs(h.gateways[0].url, bearer(a));
    bob = await connectAs(h.gateways[1].url, bearer(b));
    carol = await connectAs(h.gateways[1].url, bearer(c));
  });

  afterAll(async () => {
    for (const client of [alice, bob, carol]) client?.close();
    await h?.close();
  });

  it('shows each user the other on the same container, across replicas, within 2 s', async () => {
    expect(await carol.request('watch', { target: null })).toMatchObject({ status: 'ok' });
    expect(await alice.request('watch', { target: onWeb })).toMatchObject({ status: 'ok' });
    await shows(alice, 'container', []);
    const started = Date.now();
    expect(await bob.request('watch', { target: onWeb })).toMatchObject({ status: 'ok' });
    await Promise.all([shows(alice, 'container', ['bob']), shows(bob, 'container', ['alice'])]);
    expect(Date.now() - started).toBeLessThan(WITHIN_MS);
    // carol, on the fleet page, sees two watchers on the container she may see.
    await counts(carol, host, web.container_id, 2);
  });

  it('refuses a watch out of scope as unknown, and never counts that container for her', async () => {
    expect(await carol.request('watch', { target: onDb })).toMatchObject({
      status: 'error',
      code: 'unknown_container',
    });
    expect(await alice.request('watch', { target: onDb })).toMatchObject({ status: 'ok' });
    await shows(bob, 'container', []);
    // web-1's count drops to 1 in the same tick as db-1's rises to 1.
    await counts(carol, host, web.container_id, 1);
    const ack = await carol.request('watch', { target: null });
    expect(ack.status === 'ok' && ack.counts).toEqual({
      counts: { [host]: { [web.container_id]: 1 } },
      full: true,
    });
    expect(countOf(carol, host, db.container_id)).toBeUndefined();
    expect(carol.all('presence')).toEqual([]);
  });

  it('shows who is on the same stack; a stack out of scope is unknown', async () => {
    const shop = { kind: 'stack', project: 'shop' } as const;
    expect(await alice.request('watch', { target: shop })).toMatchObject({ status: 'ok' });
    expect(await carol.request('watch', { target: shop })).toMatchObject({ status: 'ok' });
    await Promise.all([shows(alice, 'stack', ['carol']), shows(carol, 'stack', ['alice'])]);
    expect(
      await carol.request('watch', { target: { kind: 'stack', project: 'data' } }),
    ).toMatchObject({ status: 'error', code: 'unknown_container' });
    // A refused watch changes nothing: carol is still on the shop stack until she leaves it.
    expect(await carol.request('watch', { target: null })).toMatchObject({ status: 'ok' });
    await shows(alice, 'stack', []);
    expect(carol.all('presence').every((p) => p.target.kind === 'stack')).toBe(true);
  });

  it('takes a removed user off the pages of everyone else', async () => {
    await alice.request('watch', { target: onWeb });
    await shows(alice, 'container', ['bob']);
    rewriteUsers(
      usersFile,
      users.filter((u) => u.user !== 'bob'),
    );
    await waitFor(() => !bob.socket.connected, { timeoutMs: WAIT_MS, message: 'bob disconnected' });
    await shows(alice, 'container', []);
  });
});

/** Without logins every viewer is anonymous: each page shows how many others are there. */
describe('presence without logins (real Redis, two replicas)', () => {
  const host = uniqueHostId('presence-anon');
  const web = makeContainer(host, { name: 'web-1' });
  const api = makeContainer(host, { name: 'api-1' });
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ replicas: 2 });
    await announceHost(h.bus, host, [web, api]);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('counts anonymous viewers without naming them, and drops a closed socket', async () => {
    const target = { kind: 'container', host_id: host, container_id: web.container_id } as const;
    const [one, two, three] = await Promise.all([h.connect(0), h.connect(1), h.connect(1)]);
    for (const client of [one, two, three]) await client.request('watch', { target });
    await Promise.all([one, two, three].map((c) => shows(c, 'container', [], 2)));
    await counts(one, host, web.container_id, 3);
    three.close();
    await Promise.all([one, two].map((c) => shows(c, 'container', [], 1)));
    await counts(one, host, web.container_id, 2);
  });

  it('forgets the viewers of a replica that dies, once its record expires', async () => {
    const target = { kind: 'container', host_id: host, container_id: api.container_id } as const;
    const victim = await startReplicaChild({
      ...h.redisEnv,
      PORT: '0',
      LOG_LEVEL: 'error',
      WEB_DIST: '/nonexistent',
    });
    try {
      const doomed = await TestClient.connect(victim.url);
      h.clients.push(doomed);
      const survivor = await h.connect(0);
      await doomed.request('watch', { target });
      await survivor.request('watch', { target });
      await shows(survivor, 'container', [], 1);
      const killedAt = Date.now();
      await victim.kill();
      await shows(survivor, 'container', [], 0);
      const took = Date.now() - killedAt;
      expect(took).toBeLessThan(PRESENCE_TIMINGS.ttlMs + 2 * PRESENCE_TIMINGS.tickMs + 1_000);
    } finally {
      await victim.kill();
    }
    // A replica process starts slowly on a loaded machine.
  }, 180_000);
});
