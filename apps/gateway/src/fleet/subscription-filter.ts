import type { SubscribePayload } from '@flotilla/contracts';

/**
 * Which state changes a socket wants (`subscribe`). Empty lists mean everything. A container
 * change passes when its host is listed or its id starts with a listed id (ids may be 12-digit
 * prefixes, as the Docker CLI); a host change passes when the host is listed or no host is.
 * A socket with a view (`FleetView`) holds every host and gets counts for the rest: for it, every
 * host change passes, and empty lists mean no container.
 */
export class SubscriptionFilter {
  static readonly everything = new SubscriptionFilter([], [], false);

  private constructor(
    private readonly hosts: readonly string[],
    private readonly containers: readonly string[],
    private readonly view: boolean,
  ) {}

  static from(payload: SubscribePayload, { view = false } = {}): SubscriptionFilter {
    return new SubscriptionFilter(
      [...new Set(payload.hosts ?? [])],
      [...new Set(payload.containers ?? [])],
      view,
    );
  }

  get isEverything(): boolean {
    return !this.view && this.hosts.length === 0 && this.containers.length === 0;
  }

  passesContainer(hostId: string, containerId: string): boolean {
    if (this.isEverything) return true;
    return (
      this.hosts.includes(hostId) || this.containers.some((ref) => containerId.startsWith(ref))
    );
  }

  passesHost(hostId: string): boolean {
    return this.view || this.hosts.length === 0 || this.hosts.includes(hostId);
  }
}
