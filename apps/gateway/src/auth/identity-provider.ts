import type { IncomingMessage } from 'node:http';
import type { Principal } from './principal';

/**
 * Turns a request (HTTP or socket handshake) into a principal, or null when it carries no valid
 * identity. One implementation per `AUTH_MODE`; an OIDC provider would verify the IdP's token
 * (cookie or bearer) here and map its claims to a role and scopes.
 */
export interface IdentityProvider {
  resolve(request: IncomingMessage): Promise<Principal | null>;
}
