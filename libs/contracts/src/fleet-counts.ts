import type { Container } from './schemas/container';

/** The label Docker Compose puts on every container of a project ("stack"). */
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';

/** Containers per state (`running: 12`); a state with none is absent. */
export type StateCounts = Partial<Record<Container['state'], number>>;

/** What a host holds, counted: per state, and per state within each compose project. */
export interface HostCounts {
  states: StateCounts;
  projects: Record<string, StateCounts>;
}

/**
 * `counts_update`: the hosts whose counts changed since the last one. For each host, `states`
 * replaces what the client held; each project named replaces that project's counts (an empty
 * object: the project has no container left). Projects not named are unchanged.
 */
export interface CountsUpdatePayload {
  hosts: Record<string, HostCounts>;
}

/** How many containers these counts hold, over every state. */
export function countOf(states: StateCounts): number {
  let n = 0;
  for (const v of Object.values(states)) n += v ?? 0;
  return n;
}

export function projectOf(container: Pick<Container, 'labels'>): string | undefined {
  return container.labels[COMPOSE_PROJECT_LABEL];
}

/** A client's counts after an update (a new object; hosts not named are shared, not copied). */
export function applyCountsUpdate(
  counts: Readonly<Record<string, HostCounts>>,
  update: CountsUpdatePayload,
): Record<string, HostCounts> {
  const next = { ...counts };
  for (const [hostId, changed] of Object.entries(update.hosts)) {
    const projects = { ...next[hostId]?.projects };
    for (const [name, states] of Object.entries(changed.projects)) {
      if (Object.keys(states).length === 0) delete projects[name];
      else projects[name] = states;
    }
    next[hostId] = { states: changed.states, projects };
  }
  return next;
}
