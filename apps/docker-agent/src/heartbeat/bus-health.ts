/**
 * Where services report that a bus write failed. The heartbeat, on its next success, takes the
 * flag and has the agent rewrite what the bus may have lost (host info, snapshot).
 */
export class BusHealth {
  private lost = false;
  private lastError = '';

  failed(error: string): void {
    this.lost = true;
    this.lastError = error;
  }

  get isLost(): boolean {
    return this.lost;
  }

  get error(): string {
    return this.lastError;
  }

  /** Returns whether a failure was reported since the last call, and clears it. */
  take(): boolean {
    const was = this.lost;
    this.lost = false;
    return was;
  }
}
