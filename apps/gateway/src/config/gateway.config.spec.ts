import { ConfigError, enabledLogLevels, isLoopback, loadGatewayConfig } from './gateway.config';
import { originAllowed } from './origin-policy';

const base = { REDIS_URL: 'redis://127.0.0.1:6379' };

describe('loadGatewayConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadGatewayConfig(base)).toEqual({
      port: 8080,
      host: '127.0.0.1',
      redisUrl: 'redis://127.0.0.1:6379',
      cors: { kind: 'same-origin' },
      authMode: 'none',
      logLevel: 'log',
      webDist: 'dist/apps/web/browser',
    });
  });

  it('reads every variable', () => {
    const config = loadGatewayConfig({
      ...base,
      PORT: '0',
      HOST: '::1',
      CORS_ORIGINS: 'https://dash.example.com, http://localhost:4200',
      LOG_LEVEL: 'debug',
      WEB_DIST: '/srv/web',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '::1',
      cors: { kind: 'list', origins: ['https://dash.example.com', 'http://localhost:4200'] },
      logLevel: 'debug',
      webDist: '/srv/web',
    });
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

describe('originAllowed', () => {
  it('lets non-browser clients (no Origin) and the same origin in', () => {
    expect(originAllowed(undefined, 'gw:8080', { kind: 'same-origin' })).toBe(true);
    expect(originAllowed('http://gw:8080', 'gw:8080', { kind: 'same-origin' })).toBe(true);
  });

  it('refuses other origins unless listed or any', () => {
    expect(originAllowed('https://evil.example', 'gw:8080', { kind: 'same-origin' })).toBe(false);
    expect(
      originAllowed('https://ok.example', 'gw:8080', {
        kind: 'list',
        origins: ['https://ok.example'],
      }),
    ).toBe(true);
    expect(
      originAllowed('https://evil.example', 'gw:8080', {
        kind: 'list',
        origins: ['https://ok.example'],
      }),
    ).toBe(false);
    expect(originAllowed('https://evil.example', 'gw:8080', { kind: 'any' })).toBe(true);
    expect(originAllowed('not a url', 'gw:8080', { kind: 'same-origin' })).toBe(false);
  });
});
