import { COMPOSE_PROJECT_LABEL, type Container } from '@flotilla/contracts';

/** The filters of `GET /api/timeline` (each optional). */
export interface TimelineFilter {
  host?: string;
  project?: string;
  /** `key=value` (that value) or `key` (any value). */
  label?: string;
}

/** Does a container pass the project and label filters? */
export function containerPasses(
  filter: TimelineFilter,
  container: Pick<Container, 'labels'>,
): boolean {
  const { labels } = container;
  if (filter.project !== undefined && labels[COMPOSE_PROJECT_LABEL] !== filter.project)
    return false;
  if (filter.label !== undefined) {
    const eq = filter.label.indexOf('=');
    if (eq === -1) return Object.hasOwn(labels, filter.label);
    const key = filter.label.slice(0, eq);
    return Object.hasOwn(labels, key) && labels[key] === filter.label.slice(eq + 1);
  }
  return true;
}

/** Host points (online, offline) are about no container: a container filter leaves them out. */
export function hostPointsPass(filter: TimelineFilter): boolean {
  return filter.project === undefined && filter.label === undefined;
}
