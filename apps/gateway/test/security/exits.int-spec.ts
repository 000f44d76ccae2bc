import type Redis from 'ioredis';
import { JSON_FIELD } from '@flotilla/bus';
import { RedisKeys, type ContainerExits, type ExitRecord } from '@flotilla/contracts';
import { sampleExit } from '@flotilla/contracts/testing';
import { waitFor } from '@flotilla/testing';
import { announceHost, makeContainer, uniqueHostId } from '../support/fleet-fixtures';
import { startExitsHarness } from '../support/exits-harness';
import type { Harness } from '../support/gateway-harness';
import { bearer, token } from './security-fixtures';

jest.setTimeout(90_000);

/**
 * Exit records over REST, on two replicas (real Redis): carol may see only `web-*`; a
 * container's exits out of her scope answer as an unknown container does; a record an agent
 * forged in the name of another host is never served; a crash loop shows and clears.
 */
describe('exit records and crash loops over REST (real Redis, two replicas)', () => {
  const host = uniqueHostId('exits');
  const victimHost = uniqueHostId('victim');
  const web = makeContainer(host, { name: 'web-1' });
  const db = makeContainer(host, { name: 'db-1' });
  const victim = makeContainer(victimHost, { name: 'web-2' });
  let h: Harness;
  let raw: Redis;
  let carol: Record<string, string>;
  let root: Record<string, string>;

  const record = (over: Partial<ExitRecord>): ExitRecord =>
    sampleExit({
      host_id: host,
      container_id: web.container_id,
      name: 'web-1',
      labels: {},
      ...over,
    });

  async function get(replica: number, path: string, auth: Record<string, string>) {
    const res = await fetch(`${h.gateways[replica].url}${path}`, { headers: auth });
    return { status: res.status, body: await res.json() };
  }
  const exitsOf = (replica: number, hostId: string, id: string, auth: Record<string, string>) =>
    get(replica, `/api/containers/${hostId}/${id}/exits`, auth);

  beforeAll(async () => {
    ({ h, raw } = await startExitsHarness({
      admin: 'root',
      window: '10s',
      hosts: [
        [host, [web, db]],
        [victimHost, [victim]],
      ],
    }));
    carol = bearer(await token(h.gateways[0].url, 'carol'));
    root = bearer(await token(h.gateways[1].url, 'root'));
  });

  afterAll(async () => {
    raw?.disconnect();
    await h?.close();
  });

  it('lists a container’s exits newest first on any replica, with its lines', async () => {
    await h.bus.exits.append(record({ exit_code: 1, restart_count: 1 }));
    await h.bus.exits.append(
      record({ exit_code: 137, restart_count: 2, signal: { number: 9, name: 'SIGKILL' } }),
    );
    for (const replica of [0, 1]) {
      const { status, body } = await exitsOf(replica, host, web.container_id, carol);
      expect(status).toBe(200);
      const answer = body as ContainerExits;
      expect(answer.container_id).toBe(web.container_id);
      expect(answer.exits.map((e) => [e.exit_code, e.restart_count])).toEqual([
        [137, 2],
        [1, 1],
      ]);
      expect(answer.exits[0].lines.map((l) => l.text)).toEqual(['starting', 'fatal: no config']);
      expect(answer.exits[0].signal).toEqual({ number: 9, name: 'SIGKILL' });
    }
  });

  it('answers a container out of scope exactly as an unknown one', async () => {
    await h.bus.exits.append(record({ container_id: db.container_id, name: 'db-1' }));
    const hidden = await exitsOf(0, host, db.container_id, carol);
    const unknownId = 'f'.repeat(64);
    const unknown = await exitsOf(0, host, unknownId, carol);
    expect(hidden.status).toBe(404);
    expect(JSON.stringify(hidden.body).replaceAll(db.container_id, 'ID')).toEqual(
      JSON.stringify(unknown.body).replaceAll(unknownId, 'ID'),
    );
    expect((await exitsOf(0, host, db.container_id, root)).status).toBe(200);
  });

  it('finds the exits of a container gone from the snapshot, still scoped by its name', async () => {
    const goneWeb = makeContainer(host, { name: 'web-gone' });
    const goneDb = makeContainer(host, { name: 'db-gone' });
    await h.bus.exits.append(record({ container_id: goneWeb.container_id, name: 'web-gone' }));
    await h.bus.exits.append(record({ container_id: goneDb.container_id, name: 'db-gone' }));
    const seen = await exitsOf(1, host, goneWeb.container_id.slice(0, 12), carol);
    expect(seen.status).toBe(200);
    expect((seen.body as ContainerExits).container_id).toBe(goneWeb.container_id);
    expect((await exitsOf(1, host, goneDb.container_id, carol)).status).toBe(404);
    expect((await exitsOf(1, host, goneDb.container_id, root)).status).toBe(200);
  });

  it('never serves a record an agent wrote in the name of another host', async () => {
    // The agent of `host` (compromised) writes into its own stream a crash of the victim's.
    await raw.xadd(
      RedisKeys.exits(host),
      '*',
      JSON_FIELD,
      JSON.stringify(
        sampleExit({ host_id: victimHost, container_id: victim.container_id, name: 'web-2' }),
      ),
    );
    const forged = await exitsOf(0, host, victim.container_id, root);
    expect(forged.status).toBe(404);
    const real = await exitsOf(0, victimHost, victim.container_id, root);
    expect(real.status).toBe(200);
    expect((real.body as ContainerExits).exits).toEqual([]);
  });

  it('reports a crash loop at 3 exits within the window, and clears it once they age out', async () => {
    const looper = makeContainer(host, { name: 'web-loop' });
    await announceHost(h.bus, host, [web, db, looper]);
    const loopOf = async () =>
      ((await exitsOf(1, host, looper.container_id, carol)).body as ContainerExits).crash_loop;
    for (let i = 1; i <= 2; i++)
      await h.bus.exits.append(
        record({ container_id: looper.container_id, name: 'web-loop', restart_count: i }),
      );
    expect(await loopOf()).toMatchObject({ looping: false, exits_in_window: 2, threshold: 3 });
    await h.bus.exits.append(
      record({ container_id: looper.container_id, name: 'web-loop', restart_count: 3 }),
    );
    expect(await loopOf()).toEqual({
      looping: true,
      exits_in_window: 3,
      threshold: 3,
      window_ms: 10_000,
    });
    // The loop stopped: nothing more is recorded, and the badge clears once the window passes.
    await waitFor(async () => !(await loopOf()).looping, {
      timeoutMs: 30_000,
      intervalMs: 500,
      message: 'the crash loop cleared',
    });
  });

  it('refuses a bad limit with a clear error', async () => {
    const { status, body } = await get(
      0,
      `/api/containers/${host}/${web.container_id}/exits?limit=5000`,
      carol,
    );
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toMatch(/limit/);
  });
});
