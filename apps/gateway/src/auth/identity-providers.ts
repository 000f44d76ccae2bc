import type { IncomingMessage } from 'node:http';
import type { AuthStore } from './auth-store.service';
import type { IdentityProvider } from './identity-provider';
import { ANONYMOUS_ADMIN, ROLES, type Principal } from './principal';
import { tokenOf, type SessionTokens } from './session-token';
import { principalOf, type UserRecord } from './users-file';

/** `AUTH_MODE=none` (loopback only): everyone is the anonymous admin. */
export class AnonymousIdentity implements IdentityProvider {
  resolve(): Promise<Principal> {
    return Promise.resolve(ANONYMOUS_ADMIN);
  }
}

/**
 * `AUTH_MODE=users`: a signed, unexpired token whose session is still recorded (logout deletes
 * the record; a store that lost it fails closed) and whose user is still in the users file.
 */
export class SessionIdentity implements IdentityProvider {
  constructor(
    private readonly tokens: SessionTokens,
    private readonly users: () => ReadonlyMap<string, UserRecord>,
    private readonly store: AuthStore,
    /** Whether the browser reached this request over TLS (which names the cookie). */
    private readonly tls: (request: IncomingMessage) => boolean,
  ) {}

  async resolve(request: IncomingMessage): Promise<Principal | null> {
    const token = tokenOf(request.headers, this.tls(request));
    if (!token) return null;
    const claims = this.tokens.verify(token);
    if (!claims) return null;
    if ((await this.store.sessionUser(claims.sid)) !== claims.user) return null;
    // Read after the wait, so the principal reflects the users file as it is now.
    const record = this.users().get(claims.user);
    if (!record) return null;
    return principalOf(record, { id: claims.sid, expiresAt: claims.exp });
  }
}

/**
 * `AUTH_MODE=proxy`: an authenticating reverse proxy sets `X-Forwarded-User` and
 * `X-Forwarded-Groups`; they are believed only on connections from a `TRUSTED_PROXIES` address.
 * Groups: `flotilla-admin`, `flotilla-operator`, `flotilla-viewer` (the highest wins; none: no
 * access) and `flotilla-host:<id>` (the hosts it may see; `flotilla-host:*` every host; none:
 * no host, so a user the directory forgot to scope gets nothing rather than everything).
 */
export class ProxyIdentity implements IdentityProvider {
  private readonly trusted: Set<string>;

  constructor(trustedProxies: readonly string[]) {
    this.trusted = new Set(trustedProxies.map(normalizeAddress));
  }

  resolve(request: IncomingMessage): Promise<Principal | null> {
    return Promise.resolve(this.resolveSync(request));
  }

  private resolveSync(request: IncomingMessage): Principal | null {
    if (!this.trusted.has(normalizeAddress(request.socket.remoteAddress ?? ''))) return null;
    const user = header(request, 'x-forwarded-user');
    if (!user || !/^[^\s,;]{1,128}$/.test(user)) return null;
    const groups = (header(request, 'x-forwarded-groups') ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    const roles = ROLES.filter((role) => groups.includes(`flotilla-${role}`));
    if (roles.length === 0) return null;
    const hosts = groups
      .filter((g) => g.startsWith('flotilla-host:'))
      .map((g) => `host:${g.slice('flotilla-host:'.length)}`);
    return { user, roles: [roles[roles.length - 1]], scopes: hosts };
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? undefined : value?.trim();
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are the same peer. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
