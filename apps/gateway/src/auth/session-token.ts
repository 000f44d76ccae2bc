import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a session token carries: its id (for revocation), its user and its expiry (epoch ms). */
export interface SessionClaims {
  sid: string;
  user: string;
  exp: number;
}

/**
 * Signed session tokens: `base64url(JSON claims) . base64url(HMAC-SHA256(secret, claims part))`.
 * Stateless to verify on any replica; revocation is a Redis entry keyed by `sid`.
 */
export class SessionTokens {
  constructor(private readonly secret: string) {
    if (secret.length < 32) throw new Error('session secret must be at least 32 characters');
  }

  issue(user: string, ttlMs: number, now = Date.now()): { token: string; claims: SessionClaims } {
    const claims: SessionClaims = { sid: randomBytes(16).toString('hex'), user, exp: now + ttlMs };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `${body}.${this.sign(body)}`, claims };
  }

  /** The claims of a well-signed, unexpired token; null otherwise. */
  verify(token: string, now = Date.now()): SessionClaims | null {
    if (token.length > 1_024) return null;
    const dot = token.indexOf('.');
    if (dot <= 0) return null;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.sign(body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    const c = claims as Partial<SessionClaims>;
    if (typeof c.sid !== 'string' || typeof c.user !== 'string' || typeof c.exp !== 'number')
      return null;
    if (c.exp <= now) return null;
    return { sid: c.sid, user: c.user, exp: c.exp };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

/**
 * The session cookie's name. Over TLS it carries the `__Host-` prefix: browsers then accept it
 * only with Secure, Path=/ and no Domain, so a sibling domain cannot plant a session of its own;
 * and only that name is read there.
 */
export function sessionCookie(tls: boolean): string {
  return tls ? '__Host-flotilla_session' : 'flotilla_session';
}

/** The session token of a request: `Authorization: Bearer …` or the session cookie. */
export function tokenOf(
  headers: { authorization?: string; cookie?: string },
  tls: boolean,
): string | null {
  const auth = headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || null;
  const name = sessionCookie(tls);
  for (const part of (headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name)
      return decodeURIComponent(part.slice(eq + 1).trim()) || null;
  }
  return null;
}
