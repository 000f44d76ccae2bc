import type { Container, ContainerAction } from '@flotilla/contracts';
import { ACTION_ROLE, ROLES, type ContainerScope, type Principal, type Role } from './principal';

/**
 * The one place that decides what a principal may see and do. Every fan-out point (state
 * changes, logs, stats, action records) and every REST answer goes through `canSee`; every
 * command through `canDo`.
 */
export function canSeeHost(principal: Principal, hostId: string): boolean {
  return principal.scopes.includes('host:*') || principal.scopes.includes(`host:${hostId}`);
}

/** What `canSee` needs of a container; without name and labels a container scope fails closed. */
export type ContainerRef = Pick<Container, 'host_id' | 'container_id'> &
  Partial<Pick<Container, 'name' | 'labels'>>;

export function canSee(principal: Principal, container: ContainerRef): boolean {
  if (!canSeeHost(principal, container.host_id)) return false;
  return principal.containers === undefined || inContainerScope(principal.containers, container);
}

function inContainerScope(scope: ContainerScope, container: ContainerRef): boolean {
  const { name, labels } = container;
  if (name !== undefined && scope.names.some((glob) => globToRegExp(glob).test(name))) return true;
  const pairs = Object.entries(scope.labels);
  return labels !== undefined && pairs.length > 0 && pairs.every(([k, v]) => labels[k] === v);
}

const globs = new Map<string, RegExp>();

/** `web-*` → /^web-.*$/; every other character stands for itself. */
export function globToRegExp(glob: string): RegExp {
  let re = globs.get(glob);
  if (!re) {
    const body = glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`);
    if (globs.size < 10_000) globs.set(glob, re);
  }
  return re;
}

export function canDo(
  principal: Principal,
  action: ContainerAction,
  container: ContainerRef,
): boolean {
  return canSee(principal, container) && hasRole(principal, ACTION_ROLE[action]);
}

function hasRole(principal: Principal, least: Role): boolean {
  const needed = ROLES.indexOf(least);
  return principal.roles.some((role) => ROLES.indexOf(role) >= needed);
}
