import { Inject, Injectable } from '@nestjs/common';
import { FULL_CONTAINER_ID, type Container } from '@flotilla/contracts';
import type { Bus } from '@flotilla/bus';
import { canSee, canSeeHost } from '../auth/access-policy';
import type { Principal } from '../auth/principal';
import { GatewayError } from '../core/gateway-error';
import { BUS } from '../core/tokens';
import { pickContainer } from './container-resolution';

/** A stream asked for a container its host reports removed: nothing more will come of it. */
export class RemovedContainerError extends GatewayError {
  constructor(
    readonly container: Container,
    ref: string,
  ) {
    super('unknown_container', `container ${ref} was removed`, ref);
  }
}

/**
 * Finds the container a client names (full id or 12+ digit prefix, host optional) in the hosts'
 * snapshots. Containers the principal may not see are treated as absent, so their existence
 * does not leak.
 */
@Injectable()
export class ContainerResolver {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  async resolve(principal: Principal, ref: string, hostId?: string): Promise<Container> {
    const candidates =
      hostId === undefined
        ? await this.everywhere(principal)
        : await this.onHost(principal, hostId, ref);
    return pickContainer(
      ref,
      candidates.filter((c) => canSee(principal, c)),
    );
  }

  /** As `resolve`, for streams: a removed container has nothing more to stream. */
  async resolveLive(principal: Principal, ref: string, hostId?: string): Promise<Container> {
    const container = await this.resolve(principal, ref, hostId);
    if (container.state === 'removed') {
      throw new RemovedContainerError(container, ref);
    }
    return container;
  }

  private async onHost(principal: Principal, hostId: string, ref: string): Promise<Container[]> {
    if (!canSeeHost(principal, hostId)) return [];
    if (FULL_CONTAINER_ID.test(ref)) {
      const container = await this.bus.snapshots.get(hostId, ref);
      return container ? [container] : [];
    }
    return this.bus.snapshots.list(hostId);
  }

  private async everywhere(principal: Principal): Promise<Container[]> {
    const hosts = (await this.bus.hosts.list()).filter((h) => canSeeHost(principal, h.host_id));
    const lists = await Promise.all(hosts.map((h) => this.bus.snapshots.list(h.host_id)));
    return lists.flat();
  }
}
