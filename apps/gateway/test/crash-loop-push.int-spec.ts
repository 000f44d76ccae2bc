import type Redis from 'ioredis';
import { JSON_FIELD } from '@flotilla/bus';
import { RedisKeys, type CrashLoopPayload, type ExitRecord } from '@flotilla/contracts';
import { sampleExit } from '@flotilla/contracts/testing';
import { waitFor } from '@flotilla/testing';
import { startExitsHarness } from './support/exits-harness';
import { makeContainer, uniqueHostId } from './support/fleet-fixtures';
import type { Harness } from './support/gateway-harness';
import { TestClient } from './support/test-client';
import { bearer, connectAs, token } from './security/security-fixtures';

jest.setTimeout(90_000);

/** How long a push may take on a loaded machine before the test gives up. */
const WAIT_MS = 10_000;

/** Every `crash_loop` a client received, as raw JSON, to look for a leak however brief. */
function pushed(client: TestClient): string {
  return JSON.stringify(client.received.filter((r) => r.event === 'crash_loop'));
}

function loopOf(client: TestClient, containerId: string): CrashLoopPayload | undefined {
  return client
    .all('crash_loop')
    .filter((p) => p.container_id === containerId)
    .at(-1);
}

function waitLooping(client: TestClient, containerId: string, looping: boolean): Promise<unknown> {
  return waitFor(() => loopOf(client, containerId)?.crash_loop.looping === looping, {
    timeoutMs: looping ? WAIT_MS : 45_000,
    intervalMs: 20,
    message: `${containerId.slice(0, 8)} looping=${looping}`,
  });
}

/**
 * The live crash-loop signal on two replicas (real Redis, users mode). Exits are appended as an
 * agent appends them; alice sees every container, carol only `web-*`. Every message a client
 * receives is kept, so a leak shows however briefly it lasted.
 */
describe('crash-loop push (real Redis, two replicas)', () => {
  const host = uniqueHostId('loops');
  const victimHost = uniqueHostId('victim');
  const web = makeContainer(host, { name: 'web-1' });
  const db = makeContainer(host, { name: 'db-1' });
  const victim = makeContainer(victimHost, { name: 'web-2' });
  let h: Harness;
  let raw: Redis;
  let alice: TestClient;
  let carol: TestClient;
  let aliceToken: string;
  let carolToken: string;

  const exit = (over: Partial<ExitRecord>): ExitRecord =>
    sampleExit({ host_id: host, labels: {}, ...over });

  async function crash(
    container: { container_id: string; name: string },
    times: number,
  ): Promise<void> {
    for (let i = 1; i <= times; i++)
      await h.bus.exits.append(
        exit({ container_id: container.container_id, name: container.name, restart_count: i }),
      );
  }

  beforeAll(async () => {
    ({ h, raw } = await startExitsHarness({
      admin: 'alice',
      window: '15s',
      hosts: [
        [host, [web, db]],
        [victimHost, [victim]],
      ],
    }));
    aliceToken = await token(h.gateways[0].url, 'alice');
    carolToken = await token(h.gateways[1].url, 'carol');
    alice = await connectAs(h.gateways[0].url, bearer(aliceToken));
    carol = await connectAs(h.gateways[1].url, bearer(carolToken));
  });

  afterAll(async () => {
    for (const client of [alice, carol]) client?.close();
    raw?.disconnect();
    await h?.close();
  });

  it('pushes each exit, then the loop, to every replica’s sockets; never an out-of-scope container to a scoped user', async () => {
    await crash(web, 3);
    await crash(db, 3);
    await waitLooping(alice, web.container_id, true);
    await waitLooping(alice, db.container_id, true);
    await waitLooping(carol, web.container_id, true);
    expect(loopOf(carol, web.container_id)).toEqual({
      host_id: host,
      container_id: web.container_id,
      crash_loop: { looping: true, exits_in_window: 3, threshold: 3, window_ms: 15_000 },
      last_exit_id: expect.stringMatching(/^\d+-\d+$/) as unknown,
    });
    // Each exit is one push: the page can refresh its list of exits.
    expect(alice.all('crash_loop').filter((p) => p.container_id === web.container_id)).toHaveLength(
      3,
    );
    // db's loop went out on both replicas (alice got it) well before this point.
    expect(pushed(carol)).not.toContain(db.container_id);
  });

  it('tells a socket that connects later which containers loop now, within its scope', async () => {
    const lateCarol = await connectAs(h.gateways[0].url, bearer(carolToken));
    const lateAlice = await connectAs(h.gateways[1].url, bearer(aliceToken));
    try {
      await waitLooping(lateAlice, db.container_id, true);
      await waitLooping(lateAlice, web.container_id, true);
      await waitLooping(lateCarol, web.container_id, true);
      expect(pushed(lateCarol)).not.toContain(db.container_id);
    } finally {
      lateCarol.close();
      lateAlice.close();
    }
  });

  it('scopes the exits of a container gone from the snapshot by the name its records carry', async () => {
    const goneWeb = makeContainer(host, { name: 'web-gone' });
    const goneDb = makeContainer(host, { name: 'db-gone' });
    await crash(goneDb, 3);
    await crash(goneWeb, 3);
    await waitLooping(alice, goneDb.container_id, true);
    await waitLooping(carol, goneWeb.container_id, true);
    expect(pushed(carol)).not.toContain(goneDb.container_id);
  });

  it('never pushes a loop an agent forged in the name of another host', async () => {
    // The agent of `host` (compromised) writes crashes of the victim's container into its stream.
    const forged = JSON.stringify(
      sampleExit({ host_id: victimHost, container_id: victim.container_id, name: 'web-2' }),
    );
    for (let i = 0; i < 3; i++) await raw.xadd(RedisKeys.exits(host), '*', JSON_FIELD, forged);
    // A real exit appended after the forgeries: once it is pushed, the forgeries were read.
    const marker = makeContainer(host, { name: 'web-marker' });
    await crash(marker, 1);
    await waitFor(() => loopOf(alice, marker.container_id) !== undefined, { timeoutMs: WAIT_MS });
    await waitFor(() => loopOf(carol, marker.container_id) !== undefined, { timeoutMs: WAIT_MS });
    expect(pushed(alice)).not.toContain(victim.container_id);
    expect(pushed(carol)).not.toContain(victim.container_id);
  });

  it('to a socket whose view does not show the container: the loop starting, not each exit; showing it brings the loop as it stands', async () => {
    const viewer = await TestClient.connect(h.gateways[1].url, {
      extraHeaders: bearer(aliceToken),
      auth: { view: { counts: true, hosts: [victimHost] } },
    });
    try {
      const api = makeContainer(host, { name: 'web-api' });
      const exitsOf = (client: TestClient) =>
        client
          .all('crash_loop')
          .filter((p) => p.container_id === api.container_id)
          .map((p) => p.crash_loop.exits_in_window);
      await crash(api, 4);
      // carol (no view, same replica) is pushed every exit; by the viewer's next answer, whatever
      // the replica sent it for those exits has arrived.
      await waitFor(() => exitsOf(carol).at(-1) === 4, { timeoutMs: WAIT_MS });
      await viewer.request('heartbeat', { sent_at: 1 });
      expect(exitsOf(carol)).toEqual([1, 2, 3, 4]);
      expect(exitsOf(viewer)).toEqual([3]);
      await viewer.request('subscribe', { hosts: [victimHost, host] });
      await waitFor(() => exitsOf(viewer).at(-1) === 4, { timeoutMs: WAIT_MS });
    } finally {
      viewer.close();
    }
  });

  it('pushes the end of a loop once its exits age out of the window', async () => {
    await waitLooping(alice, web.container_id, false);
    await waitLooping(carol, web.container_id, false);
    expect(loopOf(carol, web.container_id)?.crash_loop.looping).toBe(false);
    expect(pushed(carol)).not.toContain(db.container_id);
  });
});
