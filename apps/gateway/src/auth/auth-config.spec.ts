import { ConfigError } from '@flotilla/logging';
import { loadGatewayConfig } from '../config/gateway.config';

const base = { REDIS_URL: 'redis://127.0.0.1:6379' };
const secret = 'x'.repeat(32);

function problem(env: Record<string, string>): string {
  try {
    loadGatewayConfig({ ...base, ...env });
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('authentication configuration', () => {
  it('refuses AUTH_MODE=none on a non-loopback address with one clear line', () => {
    expect(problem({ HOST: '0.0.0.0' })).toMatch(
      /^AUTH_MODE=none gives every client admin rights, so it is allowed only on a loopback HOST/,
    );
    expect(problem({ HOST: '192.168.1.5', AUTH_MODE: 'none' })).toMatch(/loopback/);
  });

  it('users mode needs a users file and a secret of at least 32 characters; TTL defaults to 1 h', () => {
    expect(problem({ AUTH_MODE: 'users', SESSION_SECRET: secret })).toMatch(/USERS_FILE/);
    expect(problem({ AUTH_MODE: 'users', USERS_FILE: 'u.json', SESSION_SECRET: 'short' })).toMatch(
      /SESSION_SECRET of at least 32/,
    );
    const config = loadGatewayConfig({
      ...base,
      HOST: '0.0.0.0',
      PUBLIC_URL: 'https://flotilla.example.com',
      AUTH_MODE: 'users',
      USERS_FILE: 'u.json',
      SESSION_SECRET: secret,
    });
    expect(config).toMatchObject({
      authMode: 'users',
      usersFile: 'u.json',
      sessionSecret: secret,
      sessionTtlMs: 3_600_000,
    });
    expect(
      loadGatewayConfig({
        ...base,
        AUTH_MODE: 'users',
        USERS_FILE: 'u',
        SESSION_SECRET: secret,
        SESSION_TTL: '30m',
      }).sessionTtlMs,
    ).toBe(1_800_000);
    expect(
      problem({
        AUTH_MODE: 'users',
        USERS_FILE: 'u',
        SESSION_SECRET: secret,
        SESSION_TTL: 'forever',
      }),
    ).toMatch(/SESSION_TTL/);
  });

  it('proxy mode needs TRUSTED_PROXIES, as IP addresses', () => {
    expect(problem({ AUTH_MODE: 'proxy' })).toMatch(/TRUSTED_PROXIES/);
    expect(problem({ AUTH_MODE: 'proxy', TRUSTED_PROXIES: 'proxy.example.com' })).toMatch(
      /IP addresses/,
    );
    expect(
      loadGatewayConfig({ ...base, AUTH_MODE: 'proxy', TRUSTED_PROXIES: '10.0.0.1, ::1' })
        .trustedProxies,
    ).toEqual(['10.0.0.1', '::1']);
  });

  it('takes TRUSTED_PROXIES in users mode too, and SESSION_TTL in proxy mode', () => {
    expect(
      loadGatewayConfig({
        ...base,
        AUTH_MODE: 'users',
        USERS_FILE: 'u',
        SESSION_SECRET: secret,
        TRUSTED_PROXIES: '10.0.0.1',
      }).trustedProxies,
    ).toEqual(['10.0.0.1']);
    expect(
      loadGatewayConfig({ ...base, AUTH_MODE: 'proxy', TRUSTED_PROXIES: '10.0.0.1' }).sessionTtlMs,
    ).toBe(3_600_000);
    expect(
      loadGatewayConfig({
        ...base,
        AUTH_MODE: 'proxy',
        TRUSTED_PROXIES: '10.0.0.1',
        SESSION_TTL: '15m',
      }).sessionTtlMs,
    ).toBe(900_000);
  });
});
