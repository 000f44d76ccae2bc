import { projectOf, type SubscribePayload } from '@flotilla/contracts';
import type { ContainerRef } from '../auth/access-policy';

/**
 * Which state changes a socket wants (`subscribe`). Empty lists mean everything. A container
 * change passes when its host is listed, its id starts with a listed id (ids may be 12-digit
 * prefixes, as the Docker CLI) or its compose project is listed (on any host, whenever the
 * container was created: the change itself carries the label); a host change passes when the
 * host is listed or no host is.
 * A socket with a view (`FleetView`) holds every host and gets counts for the rest: for it, every
 * host change passes, and empty lists mean no container.
 */
export class SubscriptionFilter {
  static readonly everything = new SubscriptionFilter([], [], new Set(), false);

  private constructor(
    private readonly hosts: readonly string[],
    private readonly containers: readonly string[],
    private readonly projects: ReadonlySet<string>,
    private readonly view: boolean,
  ) {}

  static from(payload: SubscribePayload, { view = false } = {}): SubscriptionFilter {
    return new SubscriptionFilter(
      [...new Set(payload.hosts ?? [])],
      [...new Set(payload.containers ?? [])],
      new Set(payload.projects ?? []),
      view,
    );
  }

  get isEverything(): boolean {
    return (
      !this.view &&
      this.hosts.length === 0 &&
      this.containers.length === 0 &&
      this.projects.size === 0
    );
  }

  /** Whether a container passes only by its labels, which some records do not carry. */
  get namesProjects(): boolean {
    return this.projects.size > 0;
  }

  /** Without labels (an action record), a container passes by host or id only. */
  passesContainer(container: ContainerRef): boolean {
    if (this.isEverything) return true;
    const { host_id: hostId, container_id: containerId, labels } = container;
    if (this.hosts.includes(hostId)) return true;
    if (this.containers.some((ref) => containerId.startsWith(ref))) return true;
    const project = labels === undefined ? undefined : projectOf({ labels });
    return project !== undefined && this.projects.has(project);
  }

  /**
   * The only hosts whose containers can pass (undefined: any host's can, as when ids or projects
   * are named); a view naming none passes no container at all.
   */
  get containerHosts(): readonly string[] | undefined {
    if (this.isEverything || this.containers.length > 0 || this.projects.size > 0) return undefined;
    return this.hosts;
  }

  passesHost(hostId: string): boolean {
    return this.view || this.hosts.length === 0 || this.hosts.includes(hostId);
  }
}
