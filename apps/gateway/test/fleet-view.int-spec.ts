import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { applyCountsUpdate, COMPOSE_PROJECT_LABEL, type HostCounts } from '@flotilla/contracts';
import { countContainers } from '../src/fleet/fleet-tally';
import {
  announceHost,
  changed,
  makeContainer,
  publishChange,
  uniqueHostId,
} from './support/fleet-fixtures';
import { startHarness, type Harness } from './support/gateway-harness';
import type { TestClient } from './support/test-client';
import { bearer, SECRET, token, writeUsers } from './security/security-fixtures';
import { fakeCommandLoop } from './support/fake-agent';

jest.setTimeout(30_000);

/** The client's counts: its initial_state's, updated by every counts_update so far. */
const countsOf = (client: TestClient): Record<string, HostCounts> =>
  client
    .all('counts_update')
    .reduce(applyCountsUpdate, client.all('initial_state')[0].counts ?? {});

/** How long a change may take to reach a page on a loaded machine. */
const ARRIVAL_MS = 15_000;

describe('a dashboard that connects with a view (real Socket.IO and Redis)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ replicas: 1 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('gets its view in full and the rest as counts kept exact, while a seed client still gets everything', async () => {
    const shown = uniqueHostId('shown');
    const counted = uniqueHostId('counted');
    const labels = { [COMPOSE_PROJECT_LABEL]: 'shop' };
    const mine = makeContainer(shown);
    const others = [makeContainer(counted, { labels }), makeContainer(counted, { labels })];
    await announceHost(h.bus, shown, [mine]);
    await announceHost(h.bus, counted, others);
    const viewer = await h.connect(0, { auth: { view: { counts: true, hosts: [shown] } } });
    const seed = await h.connect(0);
    await viewer.waitFor('initial_state');
    await waitForCountsOf(viewer, counted, countContainers(others));
    const initial = viewer.all('initial_state')[0];
    expect(initial.partial).toBe(true);
    expect(initial.containers.filter((c) => c.host_id === counted)).toEqual([]);

    const stopped = changed(others[0], { state: 'exited', exit_code: 1 });
    await publishChange(h.bus, stopped);
    await seed.waitFor('container_state_change', (c) => c.revision === stopped.revision);
    await waitForCountsOf(viewer, counted, countContainers([stopped, others[1]]));
    expect(viewer.all('container_state_change')).toEqual([]);
    expect(countsOf(viewer)[counted].projects).toEqual({ shop: { running: 1, exited: 1 } });

    // Brought into view: the ack carries the host's containers, and its next change comes live.
    const ack = await viewer.request('subscribe', { hosts: [shown, counted] });
    expect(ack.status === 'ok' && ack.containers?.map((c) => c.revision).sort()).toEqual(
      [stopped.revision, others[1].revision].sort(),
    );
    const restarted = changed(stopped, { state: 'running' });
    await publishChange(h.bus, restarted);
    await viewer.waitFor('container_state_change', (c) => c.revision === restarted.revision);
    expect(viewer.all('container_state_change')).toEqual([restarted]);
  });

  it('refuses a malformed view with a clear error and serves everyone else', async () => {
    const bystander = await h.connect(0);
    for (const view of [{ counts: 'yes' }, { counts: true, hosts: ['not a host id'] }, 'all']) {
      const client = await h.connect(0, { auth: { view }, waitInitial: false });
      const error = await client.waitFor('error');
      expect(error).toMatchObject({ code: 'invalid_payload' });
      expect(error.error).toMatch(/^view: /);
      await waitForDisconnect(client);
      expect(client.all('initial_state')).toEqual([]);
    }
    expect(await bystander.request('heartbeat', { sent_at: 1 })).toMatchObject({ status: 'ok' });
  });

  async function waitForCountsOf(
    client: TestClient,
    hostId: string,
    expected: HostCounts,
  ): Promise<void> {
    const matches = (): boolean => isDeepStrictEqual(countsOf(client)[hostId], expected);
    if (!matches()) await client.waitFor('counts_update', matches, 10_000);
    expect(countsOf(client)[hostId]).toEqual(expected);
  }

  async function waitForDisconnect(client: TestClient): Promise<void> {
    if (!client.socket.connected) return;
    await new Promise<void>((resolve) => client.socket.once('disconnect', () => resolve()));
  }
});

/**
 * Compose projects in a view, `find_containers`, and the line, on two replicas of one fleet.
 * Hosts are written as agents write them (simulated: the gateway cannot tell them apart).
 */
describe('views by compose project and find_containers (real Redis, two replicas)', () => {
  const project = `shop-${randomBytes(3).toString('hex')}`;
  const labels = { [COMPOSE_PROJECT_LABEL]: project };
  const hostIds = [uniqueHostId('stack'), uniqueHostId('stack'), uniqueHostId('stack')];
  const hidden = uniqueHostId('hidden');
  // The stack over three hosts: carol may see its web-* containers on the first two hosts only.
  const stack = [
    makeContainer(hostIds[0], { name: `${project}-web-1`, labels }),
    makeContainer(hostIds[0], { name: `${project}-db-1`, labels }),
    makeContainer(hostIds[1], { name: `${project}-web-2`, labels }),
    makeContainer(hostIds[2], { name: `${project}-web-3`, labels }),
  ];
  const hiddenWeb = makeContainer(hidden, { name: `${project}-web-9`, labels });
  const bystander = makeContainer(hostIds[1], { name: 'lonely', labels: {} });
  let h: Harness;
  let rootToken: string;
  let carolToken: string;

  beforeAll(async () => {
    const usersFile = writeUsers([
      { user: 'root', role: 'admin' },
      {
        user: 'carol',
        role: 'viewer',
        scopes: { hosts: [hostIds[0], hostIds[1]], containers: ['*-web-*'] },
      },
    ]);
    h = await startHarness({
      replicas: 2,
      env: { AUTH_MODE: 'users', USERS_FILE: usersFile, SESSION_SECRET: SECRET },
    });
    await announceHost(h.bus, hostIds[0], [stack[0], stack[1]]);
    await announceHost(h.bus, hostIds[1], [stack[2], bystander]);
    await announceHost(h.bus, hostIds[2], [stack[3]]);
    await announceHost(h.bus, hidden, [hiddenWeb]);
    rootToken = await token(h.gateways[0].url, 'root');
    carolToken = await token(h.gateways[0].url, 'carol');
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A socket with a view, once its replica follows every host it may see (counted). */
  async function viewer(
    replica: number,
    as: string,
    view: Record<string, unknown>,
    hosts: string[],
  ): Promise<TestClient> {
    const client = await h.connect(replica, {
      extraHeaders: bearer(as),
      auth: { view: { counts: true, ...view } },
    });
    const counted = (): boolean => hosts.every((id) => countsOf(client)[id] !== undefined);
    if (!counted()) await client.waitFor('counts_update', counted, 10_000);
    return client;
  }

  const ids = (containers: { container_id: string }[]): string[] =>
    containers.map((c) => c.container_id).sort();

  it('opens a stack over three hosts by project, over the line; a container created later arrives once', async () => {
    const page = await viewer(1, rootToken, {}, [...hostIds, hidden]);
    expect(page.all('initial_state')[0].partial).toBe(true);
    const ack = await page.request('subscribe', { projects: [project] });
    expect(ack.status === 'ok' && ids(ack.containers ?? [])).toEqual(ids([...stack, hiddenWeb]));

    // Created later on a stack host, and on a host that joins the fleet later: each once.
    const late = makeContainer(hostIds[2], { name: `${project}-worker-1`, labels });
    await publishChange(h.bus, late);
    const newcomer = uniqueHostId('stack');
    const joined = makeContainer(newcomer, { name: `${project}-web-4`, labels });
    await announceHost(h.bus, newcomer, [joined]);
    // A later change on the same hosts proves nothing more of them is on its way.
    const marker = changed(stack[3], { status: 'Up 1 second' });
    await publishChange(h.bus, marker);
    // A budget for a loaded machine (the web app may be building beside this suite): the newcomer
    // is found by the replica's poll, read and presented before its container can arrive.
    await page.waitFor('container_state_change', (c) => c.revision === marker.revision, ARRIVAL_MS);
    await page.waitFor(
      'container_state_change',
      (c) => c.container_id === joined.container_id,
      ARRIVAL_MS,
    );
    const outside = changed(bystander, { state: 'exited' });
    await publishChange(h.bus, outside);
    const after = changed(stack[2], { status: 'Up 2 seconds' });
    await publishChange(h.bus, after);
    await page.waitFor('container_state_change', (c) => c.revision === after.revision, ARRIVAL_MS);
    expect(page.all('container_state_change').map((c) => c.revision)).toEqual(
      expect.arrayContaining([late.revision, marker.revision, joined.revision, after.revision]),
    );
    expect(page.all('container_state_change')).toHaveLength(4);
  }, 60_000);

  it('a view given at connect by project holds the stack in initial_state', async () => {
    const page = await viewer(0, rootToken, { projects: [project] }, [...hostIds, hidden]);
    const initial = page.all('initial_state')[0];
    expect(initial.partial).toBe(true);
    expect(initial.containers.every((c) => c.labels[COMPOSE_PROJECT_LABEL] === project)).toBe(true);
    expect(ids(initial.containers)).toEqual(expect.arrayContaining(ids([...stack, hiddenWeb])));
  });

  it('find_containers: best first, across hosts and replicas, read-only', async () => {
    const page = await viewer(0, rootToken, {}, [...hostIds, hidden]);
    const found = await page.request('find_containers', { q: `${project.toUpperCase()}-WEB` });
    expect(found.status === 'ok' && found.containers.map((c) => c.name)).toEqual([
      `${project}-web-1`,
      `${project}-web-2`,
      `${project}-web-3`,
      `${project}-web-4`,
      `${project}-web-9`,
    ]);
    const byId = await page.request('find_containers', {
      q: bystander.container_id.slice(0, 12),
      limit: 1,
    });
    expect(byId.status === 'ok' && ids(byId.containers)).toEqual([bystander.container_id]);
    expect(byId).toMatchObject({ more: false });
    const firstTwo = await page.request('find_containers', { q: project, limit: 2 });
    expect(firstTwo.status === 'ok' && firstTwo.more).toBe(true);
    // The view is unchanged: a change of what was found does not arrive.
    const moved = changed(bystander, { state: 'running' });
    await publishChange(h.bus, moved);
    const inView = changed(stack[2], { status: 'Up 3 seconds' });
    const control = await viewer(0, rootToken, { projects: [project] }, hostIds);
    await publishChange(h.bus, inView);
    await control.waitFor('container_state_change', (c) => c.revision === inView.revision);
    expect(page.all('container_state_change')).toEqual([]);
  });

  it("an action on a project's container reaches the sockets that hold the project, on every replica", async () => {
    // Replica 0 holds no scoped socket: only the project filter needs the container's labels.
    const page = await viewer(0, rootToken, { projects: [project] }, hostIds);
    const actor = await viewer(1, rootToken, {}, hostIds);
    const loop = fakeCommandLoop(h.bus, hostIds[1], () => ({ ok: true }));
    try {
      const target = stack[2];
      const ack = await actor.request('container_action', {
        container_id: target.container_id,
        host_id: target.host_id,
        action: 'restart',
      });
      expect(ack).toMatchObject({ status: 'ok' });
      const record = await page.waitFor(
        'container_action',
        (r) => r.container_id === target.container_id,
      );
      expect(record).toMatchObject({ action: 'restart', user: 'root', ok: true });
    } finally {
      await loop.stop();
    }
  });

  it('a scoped user never sees an out-of-scope container by project or by find_containers', async () => {
    const carol = await viewer(1, carolToken, {}, [hostIds[0], hostIds[1]]);
    const visible = [stack[0], stack[2]];
    const ack = await carol.request('subscribe', { projects: [project] });
    expect(ack.status === 'ok' && ids(ack.containers ?? [])).toEqual(ids(visible));
    for (const q of [project, 'db-1', stack[1].container_id.slice(0, 12), 'web-9', 'web-3']) {
      const found = await carol.request('find_containers', { q, limit: 200 });
      expect(found.status).toBe('ok');
      if (found.status !== 'ok') continue;
      expect(
        found.containers.every((c) => visible.some((v) => v.container_id === c.container_id)),
      ).toBe(true);
    }
    // Changes of the stack's hidden containers never reach her; her own still do.
    const dbChange = changed(stack[1], { status: 'Up 4 seconds' });
    const hiddenChange = changed(hiddenWeb, { status: 'Up 4 seconds' });
    const otherHost = changed(stack[3], { status: 'Up 4 seconds' });
    const hers = changed(stack[0], { status: 'Up 4 seconds' });
    for (const c of [dbChange, hiddenChange, otherHost, hers]) await publishChange(h.bus, c);
    await carol.waitFor('container_state_change', (c) => c.revision === hers.revision);
    expect(carol.all('container_state_change').map((c) => c.container_id)).toEqual([
      stack[0].container_id,
    ]);
  });

  it('refuses bad input with invalid_payload and changes nothing', async () => {
    const page = await viewer(0, rootToken, { projects: [project] }, hostIds);
    const tooMany = Array.from({ length: 300 }, (_, i) => `p${i}`);
    for (const [event, payload] of [
      ['find_containers', { q: '' }],
      ['find_containers', { q: 'x'.repeat(101) }],
      ['find_containers', { q: 'web', limit: 0 }],
      ['find_containers', { q: 'web', limit: 201 }],
      ['subscribe', { projects: tooMany }],
      ['subscribe', { projects: [''] }],
    ] as const) {
      expect(await page.requestRaw(event, payload)).toMatchObject({
        status: 'error',
        code: 'invalid_payload',
      });
    }
    // The view is still the project's: its next change arrives.
    const inside = changed(stack[1], { status: 'Up 5 seconds' });
    await publishChange(h.bus, inside);
    await page.waitFor('container_state_change', (c) => c.revision === inside.revision);
    expect(page.all('container_state_change')).toEqual([inside]);
  });

  it('a socket under the line gets every container and no counts_update; one over it does', async () => {
    const whole = await h.connect(0, {
      extraHeaders: bearer(rootToken),
      auth: { view: { counts: true, up_to: 2_000 } },
    });
    expect(whole.all('initial_state')[0].partial).toBeUndefined();
    const partial = await viewer(0, rootToken, {}, hostIds);
    const stopped = changed(bystander, { state: 'exited', exit_code: 2 });
    await publishChange(h.bus, stopped);
    await whole.waitFor('container_state_change', (c) => c.revision === stopped.revision);
    // The counts tick after the change reached the partial socket: the whole one was passed by.
    await partial.waitFor('counts_update', (u) => u.hosts[bystander.host_id] !== undefined);
    const joining = uniqueHostId('late');
    await announceHost(h.bus, joining, [makeContainer(joining)]);
    await whole.waitFor('host_state_change', (s) => s.host_id === joining);
    await partial.waitFor('counts_update', (u) => u.hosts[joining] !== undefined);
    expect(whole.all('counts_update')).toEqual([]);
  });
});
