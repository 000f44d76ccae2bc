import type { AlertMatch, Container } from '@flotilla/contracts';
import { globMatcher } from '../auth/access-policy';

/** The label Docker Compose puts its project name in. */
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';

/** Whether a container is one a rule's `match` names: every field set must hold. */
export function matchesContainer(match: AlertMatch, container: Container): boolean {
  if (match.host !== undefined && match.host !== container.host_id) return false;
  if (match.container !== undefined && !globMatcher(match.container)(container.name)) return false;
  if (match.project !== undefined && container.labels[COMPOSE_PROJECT_LABEL] !== match.project)
    return false;
  if (match.label !== undefined) {
    const eq = match.label.indexOf('=');
    const key = eq === -1 ? match.label : match.label.slice(0, eq);
    const value = container.labels[key];
    if (value === undefined) return false;
    if (eq !== -1 && value !== match.label.slice(eq + 1)) return false;
  }
  return true;
}

/** Whether a host-wide rule (host offline) applies to a host: only `host` can narrow it. */
export function matchesHost(match: AlertMatch, hostId: string): boolean {
  return match.host === undefined || match.host === hostId;
}
