/**
 * Issues per-container revisions that only grow: `max(previous + 1, now µs)`. Wall-clock based,
 * so an agent that restarts (and forgot its counters) still moves forward from what it published.
 */
export class RevisionClock {
  private readonly last = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The next revision for a container; `known` is a revision seen elsewhere (the bus snapshot). */
  next(containerId: string, known?: number): number {
    const previous = Math.max(this.last.get(containerId) ?? 0, known ?? 0);
    const revision = Math.max(previous + 1, Math.floor(this.now() * 1000));
    this.last.set(containerId, revision);
    return revision;
  }

  /** Records a revision published by someone else (or an earlier run) so the next one exceeds it. */
  observe(containerId: string, revision: number): void {
    if (revision > (this.last.get(containerId) ?? 0)) this.last.set(containerId, revision);
  }

  forget(containerId: string): void {
    this.last.delete(containerId);
  }
}
