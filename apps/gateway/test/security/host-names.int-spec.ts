import { freePort, startLoadBalancer, type LoadBalancer } from '@flotilla/testing';
import { announceHost, makeContainer, uniqueHostId } from '../support/fleet-fixtures';
import { fakeCommandLoop } from '../support/fake-agent';
import { startHarness, type Harness } from '../support/gateway-harness';
import { TestClient } from '../support/test-client';
import { raw, SECRET, tryHandshake, writeUsers } from './security-fixtures';

jest.setTimeout(60_000);

/** Host and Origin as a page at `http://<name>` sends them. */
const page = (name: string): Record<string, string> => ({ host: name, origin: `http://${name}` });

/**
 * DNS rebinding: a page at rebind.example makes its name resolve to 127.0.0.1, so the browser
 * sends `Host` and `Origin` of rebind.example:PORT to the gateway, and both agree. With
 * AUTH_MODE=none everyone who gets in is admin, so the gateway must answer only to its own names.
 */
describe('AUTH_MODE=none answers only to loopback names (DNS rebinding; real Redis)', () => {
  const hostId = uniqueHostId('rebind');
  const container = makeContainer(hostId, { name: 'victim' });
  let h: Harness;
  let url: string;
  let port: number;
  let agent: ReturnType<typeof fakeCommandLoop>;
  let lb: LoadBalancer;
  const restart = `/api/containers/${hostId}/${container.container_id}/restart`;

  beforeAll(async () => {
    h = await startHarness({ replicas: 1 });
    url = h.gateways[0].url;
    port = h.gateways[0].port;
    await announceHost(h.bus, hostId, [container]);
    agent = fakeCommandLoop(h.bus, hostId, () => ({ ok: true }));
    lb = await startLoadBalancer([port]);
  });

  afterAll(async () => {
    await lb?.close();
    await agent?.stop();
    await h?.close();
  });

  it('refuses a rebinding page: restart, fleet list and the app itself get 421 and nothing runs', async () => {
    const evil = page(`rebind.example:${port}`);
    const post = await raw(url, restart, evil, 'POST');
    expect(post.status).toBe(421);
    expect(JSON.parse(post.body)).toMatchObject({ code: 'forbidden' });
    expect((await raw(url, '/api/hosts', evil)).status).toBe(421);
    expect((await raw(url, '/api/containers', { host: `rebind.example:${port}` })).status).toBe(
      421,
    );
    expect((await raw(url, '/', evil)).status).toBe(421);
    expect((await raw(url, '/metrics', evil)).status).toBe(421);
    // Other names that are not loopback, however they are spelled, fare no better.
    for (const host of [`127.0.0.1.nip.io:${port}`, `localhost.rebind.example:${port}`, 'x'])
      expect({ host, status: (await raw(url, '/api/hosts', { host })).status }).toEqual({
        host,
        status: 421,
      });
    expect(agent.requests).toEqual([]);
  });

  it("refuses a rebinding page's socket handshake before anything is sent", async () => {
    const { outcome, events } = await tryHandshake(url, page(`rebind.example:${port}`));
    expect(outcome).not.toBe('connected');
    expect(events).toEqual([]);
  });

  it('lets the same machine in: 127.0.0.1, localhost and [::1], with and without Origin', async () => {
    for (const name of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const res = await raw(url, restart, page(name), 'POST');
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
      const client = await TestClient.connect(url, { extraHeaders: page(name) });
      const state = await client.waitFor('initial_state');
      client.close();
      expect(state.containers.map((c) => c.name)).toContain('victim');
    }
    expect((await fetch(`${url}/api/hosts`)).status).toBe(200);
    expect(agent.requests.length).toBe(3);
  });

  it('lets a browser in through a load balancer on another loopback port', async () => {
    const name = `127.0.0.1:${lb.port}`;
    expect((await raw(lb.url, restart, page(name), 'POST')).status).toBe(200);
    const client = await TestClient.connect(lb.url, { extraHeaders: page(name) });
    client.close();
  });

  it('treats a page on another local port as another site', async () => {
    const other = { host: `localhost:${port}`, origin: 'http://localhost:3000' };
    expect((await raw(url, restart, other, 'POST')).status).toBe(403);
    expect((await tryHandshake(url, other)).outcome).not.toBe('connected');
  });

  it('answers probes under any name (orchestrators address replicas by IP)', async () => {
    expect((await raw(url, '/healthz', { host: `10.1.2.3:${port}` })).status).toBe(200);
  });
});

describe('PUBLIC_URL: only the configured names, and the __Host- cookie over TLS (real Redis)', () => {
  let h: Harness;
  let url: string;
  let local: string;

  beforeAll(async () => {
    const port = await freePort();
    local = `localhost:${port}`;
    h = await startHarness({
      replicas: 1,
      env: {
        PORT: String(port),
        PUBLIC_URL: `https://dash.example.com,http://${local}`,
        AUTH_MODE: 'users',
        USERS_FILE: writeUsers([{ user: 'alice', role: 'operator' }]),
        SESSION_SECRET: SECRET,
      },
    });
    url = h.gateways[0].url;
  });

  afterAll(async () => {
    await h?.close();
  });

  const loginAs = (host: string) =>
    raw(
      url,
      '/api/login',
      { host, 'content-type': 'application/json' },
      'POST',
      JSON.stringify({ user: 'alice', password: 'correct horse battery' }),
    );

  it('refuses names off the list, loopback ones included, on HTTP and the socket', async () => {
    for (const host of ['rebind.example', `127.0.0.1:${h.gateways[0].port}`, 'dash.example.com:80'])
      expect({ host, status: (await loginAs(host)).status }).toEqual({ host, status: 421 });
    expect((await tryHandshake(url, page('rebind.example'))).outcome).not.toBe('connected');
  });

  it('behind the TLS proxy of a https: public URL, names the cookie __Host- and marks it Secure', async () => {
    const res = await loginAs('dash.example.com');
    expect(res.status).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^__Host-flotilla_session=[^;]+; Max-Age=\d+; Path=\//);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).not.toMatch(/Domain=/i);
    const pair = cookie.split(';')[0];
    const tls = { host: 'dash.example.com', cookie: pair };
    expect(JSON.parse((await raw(url, '/api/me', tls)).body)).toMatchObject({ user: 'alice' });
    // A cookie without the prefix, as a sibling domain could plant it, is not read over TLS.
    const planted = { host: 'dash.example.com', cookie: pair.replace('__Host-', '') };
    expect((await raw(url, '/api/me', planted)).status).toBe(401);
    const socket = await tryHandshake(url, { ...tls, origin: 'https://dash.example.com' });
    expect(socket.outcome).toBe('connected');
  });

  it('over plain http at a listed name, keeps the plain cookie name', async () => {
    const res = await loginAs(local);
    expect(res.status).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^flotilla_session=/);
    expect(cookie).not.toMatch(/; Secure/);
    const me = await raw(url, '/api/me', { host: local, cookie: cookie.split(';')[0] });
    expect(me.status).toBe(200);
  });
});
