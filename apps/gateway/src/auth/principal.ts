import type { ContainerAction } from '@flotilla/contracts';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is asking. Attached to every socket by the handshake middleware and to every HTTP
 * request, and consulted only through `canSee` / `canDo`.
 *
 * `scopes` name what the principal may see: `host:*` every host, `host:<id>` one host.
 */
export interface Principal {
  user: string;
  roles: Role[];
  scopes: string[];
  /**
   * Within those hosts, only these containers when set: a container is in scope when its name
   * matches one of `names` (globs with `*` and `?`) or its labels hold every pair of `labels`.
   */
  containers?: ContainerScope;
  /** The signed session the principal came with (users mode): its id and expiry (epoch ms). */
  session?: { id: string; expiresAt: number };
}

export interface ContainerScope {
  names: string[];
  labels: Record<string, string>;
}

/** `AUTH_MODE=none` (loopback only): everyone is an anonymous admin of everything. */
export const ANONYMOUS_ADMIN: Principal = Object.freeze({
  user: 'anonymous',
  roles: ['admin'],
  scopes: ['host:*'],
}) as Principal;

/** The least role that may perform each action. */
export const ACTION_ROLE: Record<ContainerAction, Role> = {
  start: 'operator',
  stop: 'operator',
  restart: 'operator',
  unpause: 'operator',
  remove: 'admin',
};
