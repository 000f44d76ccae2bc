import type { SubscribePayload } from '@flotilla/contracts';

/**
 * Which state changes a socket wants (`subscribe`). Empty lists mean everything. A container
 * change passes when its host is listed or its id starts with a listed id (ids may be 12-digit
 * prefixes, as the Docker CLI); a host change passes when the host is listed or no host is.
 */
export class SubscriptionFilter {
  static readonly everything = new SubscriptionFilter([], []);

  private constructor(
    private readonly hosts: readonly string[],
    private readonly containers: readonly string[],
  ) {}

  static from(payload: SubscribePayload): SubscriptionFilter {
    return new SubscriptionFilter(
      [...new Set(payload.hosts ?? [])],
      [...new Set(payload.containers ?? [])],
    );
  }

  get isEverything(): boolean {
    return this.hosts.length === 0 && this.containers.length === 0;
  }

  passesContainer(hostId: string, containerId: string): boolean {
    if (this.isEverything) return true;
    return (
      this.hosts.includes(hostId) || this.containers.some((ref) => containerId.startsWith(ref))
    );
  }

  passesHost(hostId: string): boolean {
    return this.hosts.length === 0 || this.hosts.includes(hostId);
  }
}
