import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@flotilla/testing';
import { announceHost, makeContainer, uniqueHostId } from './support/fleet-fixtures';
import { startGateway } from '../src/gateway-app';
import { fakeCommandLoop } from './support/fake-agent';
import { startHarness, type Harness } from './support/gateway-harness';

jest.setTimeout(30_000);

describe('gateway REST, commands, health and metrics (two replicas, real Redis)', () => {
  let h: Harness;
  let host: string;
  let web: string;
  const running = () => makeContainer(host, { name: 'web-frontend', state: 'running' });
  let a: ReturnType<typeof makeContainer>;
  let b: ReturnType<typeof makeContainer>;
  let agent: ReturnType<typeof fakeCommandLoop>;

  beforeAll(async () => {
    h = await startHarness({ replicas: 2 });
    host = uniqueHostId('rest');
    a = running();
    b = makeContainer(host, { name: 'db', state: 'exited', status: 'Exited (1)' });
    await announceHost(h.bus, host, [a, b]);
    agent = fakeCommandLoop(h.bus, host, (request) =>
      request.container_id === b.container_id
        ? { ok: false, error: 'no such image', code: 'docker_error' }
        : { unchanged: request.action === 'start' },
    );
  });

  afterAll(async () => {
    await agent?.stop();
    await h?.close();
    if (web) rmSync(web, { recursive: true, force: true });
  });

  const get = async (path: string, replica = 0) => {
    const res = await fetch(`${h.gateways[replica].url}${path}`);
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
      headers: res.headers,
    };
  };
  const post = async (path: string, headers: Record<string, string> = {}, replica = 1) => {
    const res = await fetch(`${h.gateways[replica].url}${path}`, { method: 'POST', headers });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('GET /api/hosts lists hosts with their status', async () => {
    const { status, body } = await get('/api/hosts');
    expect(status).toBe(200);
    expect(
      (body.hosts as { host_id: string; online: boolean }[]).find((x) => x.host_id === host)
        ?.online,
    ).toBe(true);
  });

  it('GET /api/containers filters by host, state and name', async () => {
    const ids = async (query: string) =>
      ((await get(`/api/containers${query}`)).body.containers as { container_id: string }[]).map(
        (c) => c.container_id,
      );
    expect((await ids(`?host=${host}`)).sort()).toEqual([a.container_id, b.container_id].sort());
    expect(await ids(`?host=${host}&state=exited`)).toEqual([b.container_id]);
    expect(await ids(`?host=${host}&name=FRONT`)).toEqual([a.container_id]);
    const bad = await get('/api/containers?state=sleepy');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid_payload' });
    expect((await get('/api/containers?colour=red')).status).toBe(400);
  });

  it('GET /api/containers/:host/:id shows the snapshot (by id or prefix), 404 when unknown', async () => {
    const { status, body } = await get(`/api/containers/${host}/${a.container_id.slice(0, 12)}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      container: { container_id: a.container_id, name: 'web-frontend' },
      host: { host_id: host },
      environment: 'not published',
    });
    const missing = await get(`/api/containers/${host}/${'e'.repeat(64)}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: `no container ${'e'.repeat(64)}`,
      code: 'unknown_container',
      container_id: 'e'.repeat(64),
    });
    const bad = await get(`/api/containers/${host}/not-hex`);
    expect(bad.status).toBe(400);
    const route = await get('/api/nothing-here');
    expect(route).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });

  it('POST /api/containers/:host/:id/:action runs the command through the agent and tells every viewer', async () => {
    const viewer = await h.connect(0);
    const { status, body } = await post(`/api/containers/${host}/${a.container_id}/restart`);
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ok',
      action: 'restart',
      unchanged: false,
      container_id: a.container_id,
      host_id: host,
    });
    const request = agent.requests.find((r) => r.action === 'restart');
    expect(request).toMatchObject({
      container_id: a.container_id,
      host_id: host,
      requested_by: 'anonymous',
    });
    expect(request!.expires_at).toBeGreaterThan(Date.now());
    const record = await viewer.waitFor('container_action', (r) => r.action === 'restart');
    expect(record).toMatchObject({
      host_id: host,
      container_id: a.container_id,
      user: 'anonymous',
      ok: true,
      error: null,
    });
    expect(viewer.all('container_action').filter((r) => r.action === 'restart')).toHaveLength(1);
  });

  it('reports an agent failure as command_failed, and a silent agent as command_failed after the timeout', async () => {
    const failed = await post(`/api/containers/${host}/${b.container_id}/start`);
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({
      code: 'command_failed',
      error: 'start failed: no such image',
    });

    const silentHost = uniqueHostId('silent');
    const c = makeContainer(silentHost);
    await announceHost(h.bus, silentHost, [c]);
    const started = Date.now();
    const silent = await post(`/api/containers/${silentHost}/${c.container_id}/stop`);
    expect(silent.status).toBe(502);
    expect(silent.body).toMatchObject({ code: 'command_failed' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
  });

  it('answers commands for an offline host with host_offline at once', async () => {
    const offline = uniqueHostId('off');
    const c = makeContainer(offline);
    await announceHost(h.bus, offline, [c], false);
    const res = await post(`/api/containers/${offline}/${c.container_id}/start`);
    expect(res).toMatchObject({ status: 409, body: { code: 'host_offline' } });
  });

  it('runs container_action from a socket through the same service', async () => {
    const actor = await h.connect(1);
    const watcher = await h.connect(0);
    const ack = await actor.request('container_action', {
      container_id: a.container_id,
      host_id: host,
      action: 'start',
    });
    expect(ack).toEqual({ status: 'ok', action: 'start', unchanged: true });
    await watcher.waitFor('container_action', (r) => r.action === 'start' && r.ok);
    await actor.waitFor('container_action', (r) => r.action === 'start' && r.ok);
  });

  it('refuses state-changing requests from a foreign origin', async () => {
    const res = await post(`/api/containers/${host}/${a.container_id}/stop`, {
      Origin: 'https://evil.example',
    });
    expect(res).toMatchObject({ status: 403, body: { code: 'forbidden' } });
  });

  it('serves /healthz, /readyz and /metrics', async () => {
    expect((await get('/healthz')).status).toBe(200);
    expect(await get('/readyz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const client = await h.connect(1);
    await client.request('heartbeat', { sent_at: 1 });
    const res = await fetch(`${h.gateways[1].url}/metrics`);
    const text = await res.text();
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    for (const name of [
      'flotilla_gateway_connected_clients',
      'flotilla_gateway_messages_in_total{event="heartbeat"}',
      'flotilla_gateway_messages_out_total{event="initial_state"}',
      'flotilla_gateway_active_log_streams',
      'flotilla_gateway_active_stats_streams',
      'flotilla_gateway_bus_lag_seconds',
      'flotilla_gateway_dropped_log_lines_total',
    ]) {
      expect(text).toContain(name);
    }
    const local = Number(/flotilla_gateway_connected_clients (\d+)/.exec(text)?.[1]);
    expect(local).toBeGreaterThanOrEqual(1);
    // The census asks the other replica too: together they serve every client of this suite.
    const fleet = Number(/flotilla_gateway_fleet_connected_clients (\d+)/.exec(text)?.[1]);
    const connected = h.clients.filter((c) => c.socket.connected).length;
    expect(fleet).toBe(connected);
    expect(fleet).toBeGreaterThan(local);
  });

  it('serves the web app from WEB_DIST with a fallback to index.html', async () => {
    web = mkdtempSync(join(tmpdir(), 'flotilla-web-'));
    writeFileSync(
      join(web, 'index.html'),
      '<!doctype html><title>Flotilla</title><flo-root ngCspNonce="__CSP_NONCE__"></flo-root>',
    );
    writeFileSync(join(web, 'main.js'), 'console.log(1)');
    const served = await startGateway(
      { ...h.config, webDist: web },
      { processMetrics: false, socketAdapter: 'local' },
    );
    try {
      const page = await fetch(`${served.url}/fleet/host-a`, { headers: { Accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Flotilla</title>');
      const nonce = /ngCspNonce="([^"]+)"/.exec(
        await (await fetch(`${served.url}/`, { headers: { Accept: 'text/html' } })).text(),
      )?.[1];
      expect(nonce).toMatch(/^[A-Za-z0-9+/=]{24}$/);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
      expect(csp).not.toContain(nonce);
      expect(await (await fetch(`${served.url}/main.js`)).text()).toBe('console.log(1)');
      const api = await fetch(`${served.url}/api/unknown`, { headers: { Accept: 'text/html' } });
      expect(api.status).toBe(404);
      expect(await api.json()).toMatchObject({ code: 'not_found' });
    } finally {
      await served.close();
    }
  });

  it('reports not ready while Redis is down, and ready again after', async () => {
    await h.redis.stop();
    try {
      const down = await get('/readyz');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ code: 'unavailable' });
      expect((await get('/healthz')).status).toBe(200);
    } finally {
      await h.redis.start();
    }
    await waitFor(async () => (await get('/readyz')).status === 200, {
      timeoutMs: 10_000,
      message: 'ready again',
    });
    // The adapter's pub/sub connections are back too: an action record crosses replicas again
    // (once the host is announced again: the restarted Redis kept nothing).
    await announceHost(h.bus, host, [a, b]);
    const watcher = await h.connect(0);
    const actor = await h.connect(1);
    await waitFor(
      async () => {
        await actor.request('container_action', {
          container_id: a.container_id,
          host_id: host,
          action: 'stop',
        });
        return watcher.all('container_action').some((r) => r.action === 'stop');
      },
      { timeoutMs: 15_000, message: 'action records across replicas after the restart' },
    );
  });
});
