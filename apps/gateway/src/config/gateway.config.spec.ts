import type { IncomingMessage } from 'node:http';
import { ConfigError, enabledLogLevels } from '@flotilla/logging';
import { isLoopback, loadGatewayConfig } from './gateway.config';
import { OriginPolicy } from './origin-policy';

const base = { REDIS_URL: 'redis://127.0.0.1:6379' };

describe('loadGatewayConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadGatewayConfig(base)).toEqual({
      port: 8080,
      host: '127.0.0.1',
      redisUrl: 'redis://127.0.0.1:6379',
      redisMode: 'single',
      publicUrls: [],
      cors: { kind: 'same-origin' },
      authMode: 'none',
      logLevel: 'log',
      webDist: 'dist/apps/web/browser',
      crashLoop: { exits: 3, windowMs: 300_000 },
    });
  });

  it('reads the crash-loop rule and refuses one out of range', () => {
    expect(
      loadGatewayConfig({ ...base, CRASH_LOOP_EXITS: '5', CRASH_LOOP_WINDOW: '2m' }).crashLoop,
    ).toEqual({ exits: 5, windowMs: 120_000 });
    expect(() => loadGatewayConfig({ ...base, CRASH_LOOP_EXITS: '1' })).toThrow(
      /CRASH_LOOP_EXITS must be a number from 2 to 100/,
    );
    expect(() => loadGatewayConfig({ ...base, CRASH_LOOP_WINDOW: '5s' })).toThrow(
      /CRASH_LOOP_WINDOW must be a duration from 10s to 24h/,
    );
  });

  it('reads durations in seconds or with a unit, within their bounds', () => {
    const proxy = { ...base, AUTH_MODE: 'proxy', TRUSTED_PROXIES: '127.0.0.1' };
    expect(loadGatewayConfig(proxy).sessionTtlMs).toBe(3_600_000);
    expect(loadGatewayConfig({ ...proxy, SESSION_TTL: '30m' }).sessionTtlMs).toBe(1_800_000);
    expect(loadGatewayConfig({ ...proxy, SESSION_TTL: '168h' }).sessionTtlMs).toBe(604_800_000);
    for (const bad of ['0', '169h', '5x', '1.5h'])
      expect(() => loadGatewayConfig({ ...proxy, SESSION_TTL: bad })).toThrow(
        `SESSION_TTL must be a duration from 1s to 168h such as 3600, 30m or 8h, got "${bad}"`,
      );
    expect(loadGatewayConfig({ ...base, CRASH_LOOP_WINDOW: '86400' }).crashLoop?.windowMs).toBe(
      86_400_000,
    );
    expect(() => loadGatewayConfig({ ...base, CRASH_LOOP_WINDOW: '25h' })).toThrow(
      /CRASH_LOOP_WINDOW must be a duration/,
    );
    expect(() => loadGatewayConfig({ ...base, CRASH_LOOP_EXITS: '1000' })).toThrow(
      'CRASH_LOOP_EXITS must be a number from 2 to 100, got "1000"',
    );
  });

  it('reads the fleet view line and refuses one out of range', () => {
    expect(loadGatewayConfig({ ...base, FLEET_VIEW_LINE: '50' }).fleetViewLine).toBe(50);
    for (const bad of ['0', '-5', '2k', '1000001'])
      expect(() => loadGatewayConfig({ ...base, FLEET_VIEW_LINE: bad })).toThrow(
        /FLEET_VIEW_LINE must be a number from 1 to 1000000/,
      );
  });

  it('reads every variable', () => {
    const config = loadGatewayConfig({
      ...base,
      PORT: '0',
      HOST: '::1',
      PUBLIC_URL: 'http://localhost:8080/, http://[::1]:8080',
      CORS_ORIGINS: 'https://dash.example.com, http://localhost:4200',
      METRICS_TOKEN: 'm'.repeat(24),
      LOG_LEVEL: 'debug',
      WEB_DIST: '/srv/web',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '::1',
      publicUrls: ['http://localhost:8080', 'http://[::1]:8080'],
      metricsToken: 'm'.repeat(24),
      cors: { kind: 'list', origins: ['https://dash.example.com', 'http://localhost:4200'] },
      logLevel: 'debug',
      webDist: '/srv/web',
    });
  });

  it('reads REDIS_MODE (single by default) with the URL form of its mode', () => {
    expect(loadGatewayConfig(base).redisMode).toBe('single');
    expect(
      loadGatewayConfig({
        ...base,
        REDIS_MODE: 'sentinel',
        REDIS_URL: 'redis+sentinel://s1:26379,s2:26379/mymaster',
      }),
    ).toMatchObject({ redisMode: 'sentinel' });
  });

  it('runs standalone (no Redis) without REDIS_URL', () => {
    expect(loadGatewayConfig({}).redisUrl).toBeNull();
    expect(loadGatewayConfig({ REDIS_URL: '  ' }).redisUrl).toBeNull();
  });

  it('allows any origin only when told so', () => {
    expect(loadGatewayConfig({ ...base, CORS_ORIGINS: '*' }).cors).toEqual({ kind: 'any' });
  });

  it.each([
    [{ REDIS_URL: 'http://x' }, /redis:\/\//],
    [{ ...base, REDIS_MODE: 'ring' }, /REDIS_MODE must be one of single, cluster, sentinel/],
    [{ ...base, REDIS_MODE: 'cluster', REDIS_URL: 'redis://a' }, /REDIS_URL \(cluster\)/],
    [{ ...base, PORT: '70000' }, /PORT must be a number/],
    [{ ...base, PORT: 'abc' }, /PORT must be a number/],
    [{ ...base, LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ ...base, AUTH_MODE: 'magic' }, /AUTH_MODE must be one of/],
    [{ ...base, CORS_ORIGINS: 'dash.example.com' }, /CORS_ORIGINS entries must be origins/],
    [
      { ...base, CORS_ORIGINS: 'https://a.example.com/path' },
      /CORS_ORIGINS entries must be origins/,
    ],
    [{ ...base, HOST: '0.0.0.0' }, /AUTH_MODE=none .* loopback/],
    [{ ...base, PUBLIC_URL: 'dash.example.com' }, /PUBLIC_URL entries must be origins/],
    [
      { ...base, PUBLIC_URL: 'http://rebind.example:8080' },
      /AUTH_MODE=none .* loopback names; PUBLIC_URL names http:\/\/rebind.example:8080/,
    ],
    [
      { ...base, AUTH_MODE: 'proxy', TRUSTED_PROXIES: '10.0.0.1', HOST: '0.0.0.0' },
      /HOST 0.0.0.0 is reachable from other machines, so set PUBLIC_URL/,
    ],
    [{ ...base, METRICS_TOKEN: 'short' }, /METRICS_TOKEN must be 16 to 256/],
  ])('rejects %j with one clear line', (env, message) => {
    let error: unknown;
    try {
      loadGatewayConfig(env);
    } catch (e: unknown) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.com'].some(isLoopback)).toBe(false);
  });

  it('enables the levels up to the chosen one', () => {
    expect(enabledLogLevels('warn')).toEqual(['error', 'warn']);
  });
});

describe('OriginPolicy', () => {
  const loopback = new OriginPolicy([], { kind: 'same-origin' });
  const listed = new OriginPolicy(['https://dash.example.com', 'http://gw.internal:8080'], {
    kind: 'list',
    origins: ['https://other.example.com'],
  });

  it('answers only to loopback names and addresses without PUBLIC_URL, on any port', () => {
    for (const host of ['localhost:8080', '127.0.0.1', '127.3.2.1:1', '[::1]:9000', 'LOCALHOST'])
      expect({ host, ok: loopback.hostAllowed(host) }).toEqual({ host, ok: true });
    for (const host of [
      undefined,
      '',
      'rebind.example:8080',
      'localhost.rebind.example',
      '127.0.0.1.nip.io',
      '10.0.0.1:8080',
      '[::]:8080',
      'localhost:8080/x',
      'user@localhost',
      'localhost, evil.example',
    ])
      expect({ host, ok: loopback.hostAllowed(host) }).toEqual({ host, ok: false });
  });

  it('answers only to the PUBLIC_URL names, default ports included', () => {
    expect(listed.hostAllowed('dash.example.com')).toBe(true);
    expect(listed.hostAllowed('dash.example.com:443')).toBe(true);
    expect(listed.hostAllowed('DASH.example.com')).toBe(true);
    expect(listed.hostAllowed('gw.internal:8080')).toBe(true);
    expect(listed.hostAllowed('gw.internal')).toBe(false);
    expect(listed.hostAllowed('dash.example.com:8443')).toBe(false);
    expect(listed.hostAllowed('localhost:8080')).toBe(false);
  });

  it('compares Origin with the configured origins, never with Host alone', () => {
    // A rebinding page controls both headers and makes them agree.
    expect(loopback.originAllowed('http://rebind.example:8080', 'rebind.example:8080')).toBe(false);
    expect(listed.originAllowed('http://rebind.example:8080', 'rebind.example:8080')).toBe(false);
    expect(loopback.originAllowed('http://localhost:8080', 'localhost:8080')).toBe(true);
    expect(loopback.originAllowed('http://127.0.0.1:8080', 'localhost:8080')).toBe(true);
    expect(loopback.originAllowed('http://[::1]', '[::1]:80')).toBe(true);
    // Another local port is another site.
    expect(loopback.originAllowed('http://localhost:3000', 'localhost:8080')).toBe(false);
    expect(listed.originAllowed('https://dash.example.com', 'gw.internal:8080')).toBe(true);
    expect(listed.originAllowed('https://other.example.com', 'dash.example.com')).toBe(true);
    expect(listed.originAllowed('https://dash.example.com:8443', 'dash.example.com')).toBe(false);
    expect(listed.originAllowed('null', 'dash.example.com')).toBe(false);
    expect(loopback.originAllowed('not a url', 'localhost')).toBe(false);
  });

  it('lets non-browser clients (no Origin) in, and any origin only when told so', () => {
    expect(loopback.originAllowed(undefined, 'localhost')).toBe(true);
    const any = new OriginPolicy([], { kind: 'any' });
    expect(any.originAllowed('https://evil.example', 'localhost')).toBe(true);
  });

  it('knows a request reached a https: public URL over TLS', () => {
    const request = (host: string) =>
      ({ headers: { host }, socket: {} }) as unknown as IncomingMessage;
    expect(listed.servedOverTls(request('dash.example.com'))).toBe(true);
    expect(listed.servedOverTls(request('gw.internal:8080'))).toBe(false);
    expect(loopback.servedOverTls(request('localhost:8080'))).toBe(false);
  });
});
