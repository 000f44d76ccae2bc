import type { Container, ContainerAction } from '@flotilla/contracts';
import { ACTION_ROLE, ROLES, type Principal, type Role } from './principal';

/**
 * The one place that decides what a principal may see and do. Every fan-out point (state
 * changes, logs, stats, action records) and every REST answer goes through `canSee`; every
 * command through `canDo`.
 */
export function canSeeHost(principal: Principal, hostId: string): boolean {
  return principal.scopes.includes('host:*') || principal.scopes.includes(`host:${hostId}`);
}

export function canSee(principal: Principal, container: Pick<Container, 'host_id' | 'container_id'>): boolean {
  return canSeeHost(principal, container.host_id);
}

export function canDo(
  principal: Principal,
  action: ContainerAction,
  container: Pick<Container, 'host_id' | 'container_id'>,
): boolean {
  return canSee(principal, container) && hasRole(principal, ACTION_ROLE[action]);
}

function hasRole(principal: Principal, least: Role): boolean {
  const needed = ROLES.indexOf(least);
  return principal.roles.some((role) => ROLES.indexOf(role) >= needed);
}
