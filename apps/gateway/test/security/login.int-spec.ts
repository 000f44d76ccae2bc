import Redis from 'ioredis';
import { waitFor } from '@flotilla/testing';
import { LOGIN_ATTEMPTS } from '../../src/auth/auth-store.service';
import { startHarness, type Harness } from '../support/gateway-harness';
import {
  clearLoginAttempts,
  login,
  waitForReplicasReconnected,
  writeUsers,
} from './security-fixtures';

jest.setTimeout(120_000);

/** Pairs of timed logins (known user, unknown user), interleaved so load affects both alike. */
const TIMING_PAIRS = 9;
/** Largest allowed difference of the two medians, relative to the larger. */
const TIMING_TOLERANCE = 0.3;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/**
 * What a login tells an attacker and whom it locks out, behind a trusted proxy (the test plays
 * the proxy at 127.0.0.1 and names clients with X-Forwarded-For), real Redis.
 */
describe('login: tells nothing, locks out no one else, says when it cannot work', () => {
  let h: Harness;
  let redis: Redis;

  beforeAll(async () => {
    const usersFile = writeUsers([
      // The accounts' usual cost, as `npm run users` writes them (12) would only be slower.
      { user: 'alice', role: 'operator', cost: 11 },
      { user: 'carol', role: 'viewer', cost: 11 },
      { user: 'bob', role: 'viewer' },
    ]);
    h = await startHarness({
      replicas: 2,
      env: {
        AUTH_MODE: 'users',
        USERS_FILE: usersFile,
        SESSION_SECRET: 'test-secret-0123456789-0123456789-abcdef',
        TRUSTED_PROXIES: '127.0.0.1',
      },
    });
    redis = new Redis(h.redis.url);
  });

  beforeEach(() => clearLoginAttempts(redis));

  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
  });

  const from = (client: string) => ({ 'x-forwarded-for': client });

  it(`takes as long for an unknown user as for a wrong password (medians within ${TIMING_TOLERANCE * 100}%)`, async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    const timed = async (user: string, client: string): Promise<number> => {
      const started = performance.now();
      const result = await login(h.gateways[0].url, user, 'not the password', from(client));
      expect(result.status).toBe(401);
      return performance.now() - started;
    };
    for (let i = 0; i < TIMING_PAIRS; i++) {
      known.push(await timed('alice', `198.51.100.${i}`));
      unknown.push(await timed(`nobody-${i}`, `198.51.100.${i}`));
    }
    const [k, u] = [median(known), median(unknown)];
    const summary = `medians: existing user ${k.toFixed(0)} ms, unknown user ${u.toFixed(0)} ms`;
    expect({ summary, close: Math.abs(k - u) / Math.max(k, u) < TIMING_TOLERANCE }).toEqual({
      summary,
      close: true,
    });
  });

  it('11 bad logins from one client behind the proxy lock out that client only', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= LOGIN_ATTEMPTS.perUser; i++) {
      // The client writes anything it likes left of what the proxy appends: none of it counts.
      const forwarded = `10.66.${i}.1, 203.0.113.5`;
      statuses.push((await login(h.gateways[i % 2].url, 'bob', 'guess', from(forwarded))).status);
    }
    expect(statuses).toEqual([...Array<number>(LOGIN_ATTEMPTS.perUser).fill(401), 429]);
    expect((await login(h.gateways[0].url, 'bob', undefined, from('203.0.113.6'))).status).toBe(
      200,
    );
    // The locked-out client still reaches other accounts, up to its own overall allowance.
    expect((await login(h.gateways[1].url, 'carol', undefined, from('203.0.113.5'))).status).toBe(
      200,
    );
    expect((await login(h.gateways[1].url, 'bob', undefined, from('203.0.113.5'))).status).toBe(
      429,
    );
  });

  it('counts IPv6 clients by /64', async () => {
    for (let i = 0; i < LOGIN_ATTEMPTS.perUser; i++) {
      const client = `2001:db8:1:2::${(i + 1).toString(16)}`;
      expect((await login(h.gateways[0].url, 'bob', 'guess', from(client))).status).toBe(401);
    }
    expect(
      (await login(h.gateways[0].url, 'bob', undefined, from('2001:db8:1:2:ffff::99'))).status,
    ).toBe(429);
    expect((await login(h.gateways[0].url, 'bob', undefined, from('2001:db8:1:3::1'))).status).toBe(
      200,
    );
  });

  it('answers 503 "unavailable" while Redis is unreachable, never "wrong user or password"', async () => {
    await h.redis.stop();
    try {
      for (const [user, password] of [
        ['bob', undefined],
        ['bob', 'wrong'],
        ['nobody', 'wrong'],
      ] as const) {
        const res = await login(h.gateways[0].url, user, password, from('203.0.113.9'));
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ code: 'unavailable' });
        expect(JSON.stringify(res.body)).toMatch(/unavailable/);
        expect(res.cookie).toBeNull();
      }
    } finally {
      await h.redis.start();
    }
    await waitForReplicasReconnected(
      redis,
      h.gateways.map((g) => g.replicaId),
    );
    await waitFor(async () => (await login(h.gateways[0].url, 'bob')).status === 200, {
      timeoutMs: 20_000,
      intervalMs: 200,
      message: 'a login once Redis is back',
    });
  });
});
