import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../support/gateway-harness';
import { raw, tryHandshake } from './security-fixtures';

jest.setTimeout(30_000);

const ALLOWED = 'https://dash.example.com';
const EVIL = 'https://evil.example.net';
const METRICS_TOKEN = 'metrics-0123456789-abcdef';

describe('HTTP security headers and the CORS allowlist on HTTP and the socket (real Redis)', () => {
  let h: Harness;
  let url: string;

  beforeAll(async () => {
    const web = mkdtempSync(join(tmpdir(), 'flotilla-web-'));
    writeFileSync(
      join(web, 'index.html'),
      '<!doctype html><html><head><script src="main.js"></script></head><body><app-root ngCspNonce="__CSP_NONCE__"></app-root></body></html>',
    );
    writeFileSync(join(web, 'main.js'), 'console.log(1)');
    h = await startHarness({
      replicas: 1,
      env: { CORS_ORIGINS: ALLOWED, WEB_DIST: web, METRICS_TOKEN },
    });
    url = h.gateways[0].url;
  });

  afterAll(async () => {
    await h?.close();
  });

  it('serves the page with a per-response nonce CSP: no inline scripts, no framing, nosniff, no referrer', async () => {
    const pages = await Promise.all(
      [1, 2].map(() => fetch(`${url}/fleet`, { headers: { accept: 'text/html' } })),
    );
    const nonces: string[] = [];
    for (const page of pages) {
      const csp = page.headers.get('content-security-policy') ?? '';
      const body = await page.text();
      const nonce = /ngCspNonce="([^"]+)"/.exec(body)?.[1] ?? '';
      expect(nonce.length).toBeGreaterThanOrEqual(16);
      expect(csp).toContain(`script-src 'self' 'nonce-${nonce}'`);
      expect(csp).toContain(`style-src 'self' 'nonce-${nonce}'`);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      nonces.push(nonce);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it('gives every other response a deny-all CSP and the same headers', async () => {
    for (const path of ['/api/hosts', '/healthz', '/main.js', '/api/nothing']) {
      const res = await fetch(`${url}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('answers CORS only for allowed origins (simple requests and preflights)', async () => {
    const allowed = await fetch(`${url}/api/hosts`, { headers: { origin: ALLOWED } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const evil = await fetch(`${url}/api/hosts`, { headers: { origin: EVIL } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(evil.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await fetch(`${url}/api/logout`, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
    const post = await fetch(`${url}/api/containers/h/${'a'.repeat(64)}/stop`, {
      method: 'POST',
      headers: { origin: EVIL },
    });
    expect(post.status).toBe(403);
  });

  it('with METRICS_TOKEN, serves /metrics only to its bearer (under any Host: scrapers use IPs)', async () => {
    const refused: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: METRICS_TOKEN },
    ];
    for (const headers of refused) {
      const res = await fetch(`${url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await res.text()).not.toContain('flotilla_');
    }
    const res = await fetch(`${url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('flotilla_');
    const byIp = { host: `10.0.0.9:${h.gateways[0].port}` };
    expect((await raw(url, '/metrics', byIp)).status).toBe(401);
    const scraped = await raw(url, '/metrics', {
      ...byIp,
      authorization: `Bearer ${METRICS_TOKEN}`,
    });
    expect(scraped.status).toBe(200);
  });

  it('refuses the socket handshake from a disallowed origin and accepts the allowed one', async () => {
    const evil = await tryHandshake(url, { origin: EVIL });
    expect(evil.outcome).not.toBe('connected');
    expect(evil.events).toEqual([]);
    const good = await tryHandshake(url, { origin: ALLOWED });
    expect(good.outcome).toBe('connected');
    const none = await tryHandshake(url, {});
    expect(none.outcome).toBe('connected');
  });
});
