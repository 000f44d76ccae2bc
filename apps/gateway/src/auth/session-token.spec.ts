import { SessionTokens, tokenOf } from './session-token';

describe('SessionTokens', () => {
  const tokens = new SessionTokens('s'.repeat(32));

  it('verifies its own tokens until they expire', () => {
    const { token, claims } = tokens.issue('alice', 1_000, 10_000);
    expect(tokens.verify(token, 10_500)).toEqual(claims);
    expect(tokens.verify(token, 11_000)).toBeNull();
  });

  it('rejects tokens signed with another secret, tampered claims and garbage', () => {
    const { token } = tokens.issue('alice', 60_000);
    expect(new SessionTokens('t'.repeat(32)).verify(token)).toBeNull();
    const [body, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as object;
    const forged = Buffer.from(JSON.stringify({ ...claims, user: 'admin' })).toString('base64url');
    expect(tokens.verify(`${forged}.${sig}`)).toBeNull();
    for (const bad of ['', '.', 'a.b', `${body}.`, `${body}.${sig}x`, 'x'.repeat(5_000)])
      expect(tokens.verify(bad)).toBeNull();
  });

  it('refuses a short secret', () => {
    expect(() => new SessionTokens('short')).toThrow(/32/);
  });

  it('reads the token from a bearer header or the session cookie', () => {
    expect(tokenOf({ authorization: 'Bearer abc' }, false)).toBe('abc');
    expect(tokenOf({ cookie: 'a=1; flotilla_session=xyz; b=2' }, false)).toBe('xyz');
    expect(tokenOf({ cookie: 'other=1' }, false)).toBeNull();
  });

  it('over TLS reads only the __Host- cookie, which a sibling domain cannot set', () => {
    expect(tokenOf({ cookie: 'flotilla_session=planted' }, true)).toBeNull();
    expect(tokenOf({ cookie: 'flotilla_session=planted; __Host-flotilla_session=own' }, true)).toBe(
      'own',
    );
    expect(tokenOf({ cookie: '__Host-flotilla_session=own' }, false)).toBeNull();
  });
});
