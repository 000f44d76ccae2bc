import { announceHost, makeContainer, uniqueHostId } from '../support/fleet-fixtures';
import { startHarness, type Harness } from '../support/gateway-harness';
import { TestClient } from '../support/test-client';
import { tryHandshake } from './security-fixtures';

jest.setTimeout(30_000);

const asAdmin = {
  'x-forwarded-user': 'carol',
  'x-forwarded-groups': 'staff, flotilla-admin, flotilla-host:*',
};

async function me(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}/api/me`, { headers });
  return { status: res.status, body: await res.json() };
}

describe('AUTH_MODE=proxy: forwarded identity only from trusted proxies (real Redis)', () => {
  let trusted: Harness;
  let untrusted: Harness;

  beforeAll(async () => {
    trusted = await startHarness({
      replicas: 1,
      env: { AUTH_MODE: 'proxy', TRUSTED_PROXIES: '127.0.0.1' },
    });
    untrusted = await startHarness({
      replicas: 1,
      env: { AUTH_MODE: 'proxy', TRUSTED_PROXIES: '10.9.8.7' },
    });
  });

  afterAll(async () => {
    await trusted?.close();
    await untrusted?.close();
  });

  it('takes user, role and host scopes from the headers of a trusted proxy', async () => {
    expect(await me(trusted.gateways[0].url, asAdmin)).toEqual({
      status: 200,
      body: { user: 'carol', roles: ['admin'], scopes: ['host:*'], expires_at: null },
    });
    const scoped = await me(trusted.gateways[0].url, {
      'x-forwarded-user': 'dave',
      'x-forwarded-groups': 'flotilla-viewer,flotilla-host:h1',
    });
    expect(scoped.body).toMatchObject({ roles: ['viewer'], scopes: ['host:h1'] });
    expect((await tryHandshake(trusted.gateways[0].url, asAdmin)).outcome).toBe('connected');
  });

  it('gives a user without a host group no host at all, on HTTP and the socket', async () => {
    const hostId = uniqueHostId('proxy');
    const container = makeContainer(hostId, { name: 'only-for-some' });
    await announceHost(trusted.bus, hostId, [container]);
    const url = trusted.gateways[0].url;
    const unscoped = { 'x-forwarded-user': 'frank', 'x-forwarded-groups': 'flotilla-admin' };
    expect((await me(url, unscoped)).body).toMatchObject({ roles: ['admin'], scopes: [] });
    const hosts = (await (await fetch(`${url}/api/hosts`, { headers: unscoped })).json()) as {
      hosts: unknown[];
    };
    expect(hosts.hosts).toEqual([]);
    const detail = `/api/containers/${hostId}/${container.container_id}`;
    expect((await fetch(`${url}${detail}`, { headers: unscoped })).status).toBe(404);
    const client = await TestClient.connect(url, { extraHeaders: unscoped });
    const state = await client.waitFor('initial_state');
    client.close();
    expect(state.containers).toEqual([]);
    // The same fleet, seen with every host granted.
    expect((await fetch(`${url}${detail}`, { headers: asAdmin })).status).toBe(200);
  });

  it('refuses a request without the headers, or without a Flotilla role', async () => {
    expect((await me(trusted.gateways[0].url, {})).status).toBe(401);
    expect(
      (
        await me(trusted.gateways[0].url, {
          'x-forwarded-user': 'eve',
          'x-forwarded-groups': 'staff',
        })
      ).status,
    ).toBe(401);
    expect((await tryHandshake(trusted.gateways[0].url, {})).outcome).toBe('unauthenticated');
  });

  it('ignores the headers when the peer is not a trusted proxy (HTTP and socket)', async () => {
    expect((await me(untrusted.gateways[0].url, asAdmin)).status).toBe(401);
    const { outcome, events } = await tryHandshake(untrusted.gateways[0].url, asAdmin);
    expect(outcome).toBe('unauthenticated');
    expect(events).toEqual([]);
  });

  it('refuses POST /api/login outside users mode', async () => {
    const res = await fetch(`${trusted.gateways[0].url}/api/login`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });
});
