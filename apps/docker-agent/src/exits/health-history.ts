import { EXIT_LIMITS, HEALTH_STATES } from '@flotilla/contracts';
import type { ExitRecord } from '@flotilla/contracts';

export type HealthTransition = ExitRecord['health'][number];
type HealthState = HealthTransition['status'];

/** Containers tracked at most (bounded memory on a host that churns containers). */
const MAX_CONTAINERS = 10_000;

/**
 * The recent health transitions of each container, from Docker's `health_status` events
 * (`health_status: healthy`, …): the newest `EXIT_LIMITS.healthTransitions` per container, a
 * repeat of the current status not counted as a transition.
 */
export class HealthHistory {
  private readonly byContainer = new Map<string, HealthTransition[]>();

  /** Notes a `health_status…` action seen at `at` (ISO); other actions are ignored. */
  note(containerId: string, action: string, at: string): void {
    const status = healthOf(action);
    if (status === null) return;
    let list = this.byContainer.get(containerId);
    if (!list) {
      if (this.byContainer.size >= MAX_CONTAINERS) {
        const oldest = this.byContainer.keys().next().value;
        if (oldest !== undefined) this.byContainer.delete(oldest);
      }
      list = [];
      this.byContainer.set(containerId, list);
    }
    if (list.at(-1)?.status === status) return;
    list.push({ at, status });
    if (list.length > EXIT_LIMITS.healthTransitions) list.shift();
  }

  transitions(containerId: string): HealthTransition[] {
    return [...(this.byContainer.get(containerId) ?? [])];
  }

  forget(containerId: string): void {
    this.byContainer.delete(containerId);
  }
}

function healthOf(action: string): HealthState | null {
  if (!action.startsWith('health_status')) return null;
  const status = action.slice(action.indexOf(':') + 1).trim();
  return (HEALTH_STATES as readonly string[]).includes(status) ? (status as HealthState) : null;
}
