import {
  announceHost,
  changed,
  makeContainer,
  publishChange,
  uniqueHostId,
  writeLines,
} from '../support/fleet-fixtures';
import { fakeCommandLoop } from '../support/fake-agent';
import { startHarness, type Harness } from '../support/gateway-harness';
import type { TestClient } from '../support/test-client';
import { bearer, connectAs, SECRET, token, writeUsers } from './security-fixtures';

jest.setTimeout(60_000);

/**
 * carol may see only the `web-*` containers of one host (plus anything labelled team=shop);
 * the host's database is as invisible to her as a container that does not exist.
 */
describe('container scopes by name glob and label (real Redis)', () => {
  const host = uniqueHostId('cscope');
  const web = makeContainer(host, { name: 'web-1' });
  const labelled = makeContainer(host, { name: 'cache', labels: { team: 'shop' } });
  const db = makeContainer(host, { name: 'db-1', labels: { team: 'data' } });
  let h: Harness;
  let carol: TestClient;
  let carolToken: string;

  beforeAll(async () => {
    const usersFile = writeUsers([
      {
        user: 'carol',
        role: 'operator',
        scopes: { containers: ['web-*'], labels: { team: 'shop' } },
      },
    ]);
    h = await startHarness({
      replicas: 1,
      env: { AUTH_MODE: 'users', USERS_FILE: usersFile, SESSION_SECRET: SECRET },
    });
    await announceHost(h.bus, host, [web, labelled, db]);
    await writeLines(h.bus, host, db.container_id, 1, 3, { prefix: 'secret' });
    carolToken = await token(h.gateways[0].url, 'carol');
    carol = await connectAs(h.gateways[0].url, bearer(carolToken));
  });

  afterAll(async () => {
    carol?.close();
    await h?.close();
  });

  it('initial_state and state changes hold only the containers in scope', async () => {
    const state = await carol.waitFor('initial_state');
    expect(state.containers.map((c) => c.name).sort()).toEqual(['cache', 'web-1']);
    await publishChange(h.bus, changed(db, { status: 'Up 9 seconds' }));
    await publishChange(h.bus, changed(web, { status: 'Up 9 seconds' }));
    await carol.waitFor('container_state_change', (c) => c.container_id === web.container_id);
    expect(
      carol.all('container_state_change').some((c) => c.container_id === db.container_id),
    ).toBe(false);
  });

  it('logs and actions on a container out of scope are refused as unknown', async () => {
    expect(
      await carol.request('start_log_stream', { container_id: db.container_id }),
    ).toMatchObject({
      status: 'error',
      code: 'unknown_container',
    });
    expect(
      await carol.request('container_action', {
        container_id: db.container_id,
        host_id: host,
        action: 'stop',
      }),
    ).toMatchObject({
      status: 'error',
      code: 'unknown_container',
    });
    expect(carol.logUpdates(db.container_id)).toEqual([]);
  });

  it('REST lists and inspect answer only for containers in scope', async () => {
    const res = await fetch(`${h.gateways[0].url}/api/containers`, { headers: bearer(carolToken) });
    const body = (await res.json()) as { containers: { name: string }[] };
    expect(body.containers.map((c) => c.name).sort()).toEqual(['cache', 'web-1']);
    const inspect = await fetch(`${h.gateways[0].url}/api/containers/${host}/${db.container_id}`, {
      headers: bearer(carolToken),
    });
    expect(inspect.status).toBe(404);
  });

  it('action records reach her for containers in scope', async () => {
    const loop = fakeCommandLoop(h.bus, host, () => ({ ok: true }));
    try {
      const ack = await carol.request('container_action', {
        container_id: web.container_id,
        host_id: host,
        action: 'restart',
      });
      expect(ack).toMatchObject({ status: 'ok' });
      const record = await carol.waitFor(
        'container_action',
        (r) => r.container_id === web.container_id,
      );
      expect(record.user).toBe('carol');
    } finally {
      await loop.stop();
    }
  });
});
