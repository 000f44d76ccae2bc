import { Inject, Injectable } from '@nestjs/common';
import type { Container, ContainerState, HostStatus } from '@flotilla/contracts';
import type { Bus } from '@flotilla/bus';
import { canSee, canSeeHost } from '../auth/access-policy';
import type { Principal } from '../auth/principal';
import { BUS } from '../core/tokens';
import { ContainerResolver } from './container-resolver.service';

export interface ContainerQuery {
  host?: string;
  state?: ContainerState;
  /** Substring of the container name, case-insensitive. */
  name?: string;
}

export interface ContainerDetails {
  container: Container;
  host: HostStatus | null;
  /** Why environment values are absent: agents never publish them, so no gateway has them. */
  environment: 'not published';
}

/** Read-only fleet queries for REST, each answer filtered through `canSee`. */
@Injectable()
export class FleetQueryService {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly resolver: ContainerResolver,
  ) {}

  async hosts(principal: Principal): Promise<HostStatus[]> {
    return (await this.bus.hosts.list()).filter((h) => canSeeHost(principal, h.host_id));
  }

  async containers(principal: Principal, query: ContainerQuery): Promise<Container[]> {
    const hostIds =
      query.host !== undefined ? [query.host] : (await this.bus.hosts.list()).map((h) => h.host_id);
    const visible = hostIds.filter((id) => canSeeHost(principal, id));
    const lists = await Promise.all(visible.map((id) => this.bus.snapshots.list(id)));
    const name = query.name?.toLowerCase();
    return lists
      .flat()
      .filter((c) => canSee(principal, c))
      .filter((c) => query.state === undefined || c.state === query.state)
      .filter((c) => name === undefined || c.name.toLowerCase().includes(name))
      .sort((a, b) => a.host_id.localeCompare(b.host_id) || a.name.localeCompare(b.name));
  }

  async container(principal: Principal, hostId: string, ref: string): Promise<ContainerDetails> {
    const container = await this.resolver.resolve(principal, ref, hostId);
    const host = await this.bus.hosts.get(hostId);
    return { container, host, environment: 'not published' };
  }
}
