import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  PROTOCOL_VERSION,
  type Container,
  type CountsUpdatePayload,
  type FindContainersAck,
  type FindContainersPayload,
  type FleetEvent,
  type HostCounts,
  type HostStatus,
  type SubscribePayload,
  type SubscribeAck,
  LIMITS,
  countOf,
} from '@flotilla/contracts';
import type { Bus } from '@flotilla/bus';
import { describeError } from '@flotilla/logging';
import {
  allowedActions,
  canManageAlerts,
  canSee,
  canSeeHost,
  mayPin,
  seesEveryHost,
} from '../auth/access-policy';
import { BUS, GATEWAY_TUNING, REPLICA_ID } from '../core/tokens';
import type { GatewayTuning } from '../core/gateway-tuning';
import { ClientOutbox } from '../socket/client-outbox.service';
import type { ClientConnection } from '../socket/client-connection';
import { ConnectionRegistry } from '../socket/connection-registry.service';
import type { Principal } from '../auth/principal';
import { findContainers } from './container-search';
import { FleetTally, countContainers } from './fleet-tally';
import { HostDirectory } from './host-directory.service';
import { SubscriptionFilter } from './subscription-filter';

/** Events read per range request while a socket catches up. */
const CATCH_UP_PAGE = 500;
/** How long a socket remembers its snapshots' revisions (see ClientConnection.alreadyHas). */
const SNAPSHOT_OVERLAP_MS = 10_000;

/**
 * The fleet as each socket sees it: `initial_state`, then every later change of the hosts the
 * directory follows exactly once, in order, to this replica's own sockets only. Each socket keeps
 * its own position per host (SocketCursors) and catches up by range reads until it meets what the
 * directory has delivered.
 */
@Injectable()
export class FleetFeed implements OnModuleDestroy {
  private readonly logger = new Logger(FleetFeed.name);
  private readonly tally = new FleetTally();
  private readonly countsTimer: NodeJS.Timeout;
  private readonly fleetViewLine: number;
  private closed = false;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly hosts: HostDirectory,
    private readonly registry: ConnectionRegistry,
    private readonly outbox: ClientOutbox,
    @Inject(REPLICA_ID) private readonly replicaId: string,
    @Inject(GATEWAY_TUNING) tuning: GatewayTuning,
  ) {
    hosts.listen({
      followed: (status, containers, position) => {
        this.tally.load(status.host_id, containers);
        this.hostFollowed(status, containers, position);
      },
      event: (hostId, id, event) => {
        if (event.type === 'container') this.tally.apply(event.container);
        const recipients: ClientConnection[] = [];
        // A socket that shows none of the host's containers is not even looked at: its cursor
        // stays where it is, which is safe, as a live cursor only compares later (greater) ids.
        const candidates =
          event.type === 'container'
            ? this.registry.mayShowContainersOf(hostId)
            : this.registry.all();
        for (const connection of candidates) {
          if (connection.cursors.acceptLive(hostId, id) && this.wants(connection, hostId, event))
            recipients.push(connection);
        }
        if (recipients.length > 0) this.broadcast(recipients, hostId, event);
      },
      changed: (status) => this.broadcastHost(status),
    });
    this.countsTimer = setInterval(() => this.sendCounts(), tuning.countsIntervalMs);
    this.fleetViewLine = tuning.fleetViewLine;
  }

  onModuleDestroy(): void {
    this.closed = true;
    clearInterval(this.countsTimer);
  }

  /** Connection sequence: `connection_established`, `initial_state`, catch-up, then live. */
  async connect(connection: ClientConnection): Promise<void> {
    this.outbox.send(connection, 'connection_established', {
      message: 'Connected to Flotilla',
      protocol_version: PROTOCOL_VERSION,
      server_id: this.replicaId,
      user: connection.principal.user,
      actions: allowedActions(connection.principal),
      manage_alerts: canManageAlerts(connection.principal),
      pin_lines: mayPin(connection.principal),
    });
    if (connection.view) {
      this.connectWithView(connection);
      return;
    }
    const hosts = (await this.bus.hosts.list()).filter((h) =>
      canSeeHost(connection.principal, h.host_id),
    );
    const snapshots = await Promise.all(hosts.map((h) => this.bus.events.snapshotAt(h.host_id)));
    if (connection.closed) return;
    const containers: Container[] = [];
    const position: Record<string, string> = {};
    hosts.forEach((host, i) => {
      const snapshot = snapshots[i];
      connection.cursors.start(host.host_id, snapshot.position);
      position[host.host_id] = snapshot.position;
      for (const c of snapshot.containers) if (canSee(connection.principal, c)) containers.push(c);
    });
    connection.rememberSnapshot(containers, SNAPSHOT_OVERLAP_MS);
    this.outbox.send(connection, 'initial_state', { containers, hosts, position });
    connection.ready = true;
    for (const host of hosts) void this.catchUp(connection, host.host_id);
    // Hosts this replica found while the snapshots were read.
    for (const hostId of this.hosts.knownHostIds()) {
      if (!connection.cursors.has(hostId)) void this.introduce(connection, hostId);
    }
  }

  /**
   * A socket with a view: every host it may see with counts, the containers of its view, all
   * from what the replica already holds (no read of Redis, nothing that grows with the fleet but
   * the hosts and their counts); each host live from the position the replica delivered.
   * A view with `up_to` whose user may see no more containers than it and the replica's line
   * allow gets every one of them instead (no `partial`), and every later change.
   */
  private connectWithView(connection: ClientConnection): void {
    const { principal } = connection;
    const hosts: HostStatus[] = [];
    const position: Record<string, string> = {};
    const counts: Record<string, HostCounts> = {};
    for (const hostId of this.hosts.knownHostIds()) {
      const status = this.hosts.status(hostId);
      const delivered = this.hosts.delivered(hostId);
      // Not followed yet: introduced below, once its snapshot is read.
      if (!status || delivered === undefined || !canSeeHost(principal, hostId)) continue;
      connection.cursors.start(hostId, delivered);
      connection.cursors.goLive(hostId);
      hosts.push(status);
      position[hostId] = delivered;
      counts[hostId] = this.countsFor(principal, hostId);
    }
    const shown = Object.keys(position);
    // The counts are of what the user may see: their sum says whether it is under the line.
    const seen = Object.values(counts).reduce((n, c) => n + countOf(c.states), 0);
    const whole =
      connection.upTo !== undefined && seen <= Math.min(connection.upTo, this.fleetViewLine);
    if (whole) this.registry.setFilter(connection, SubscriptionFilter.everything);
    // Only the hosts the filter names can hold a container of it, when it names only hosts.
    const named = whole ? undefined : connection.filter.containerHosts;
    const containers = this.visibleOn(
      connection,
      named ? named.filter((hostId) => position[hostId] !== undefined) : shown,
    );
    connection.rememberSnapshot(containers, SNAPSHOT_OVERLAP_MS);
    this.outbox.send(connection, 'initial_state', {
      containers,
      hosts,
      position,
      counts,
      ...(whole ? {} : { partial: true as const }),
    });
    connection.ready = true;
    for (const hostId of this.hosts.knownHostIds()) {
      if (!connection.cursors.has(hostId)) void this.introduce(connection, hostId);
    }
  }

  /** The containers of these hosts that the socket shows, as the replica holds them. */
  private visibleOn(connection: ClientConnection, hostIds: readonly string[]): Container[] {
    const containers: Container[] = [];
    for (const hostId of hostIds)
      for (const c of this.tally.containers(hostId)) if (shows(connection, c)) containers.push(c);
    return containers;
  }

  /**
   * `subscribe`: replaces the socket's filter. A socket with a view is answered with the
   * containers the new view adds, as the replica holds them now; the changes after reach it live.
   */
  subscribe(connection: ClientConnection, payload: SubscribePayload): SubscribeAck {
    const before = connection.filter;
    this.registry.setFilter(
      connection,
      SubscriptionFilter.from(payload, { view: connection.view }),
    );
    if (!connection.view || !connection.ready) return { status: 'ok' };
    // A socket that held everything got no counts (it could count itself): now it needs them.
    if (before.isEverything) this.sendAllCounts(connection);
    const added: Container[] = [];
    for (const hostId of connection.cursors.hostIds()) {
      for (const c of this.tally.containers(hostId)) {
        if (
          canSee(connection.principal, c) &&
          connection.filter.passesContainer(c) &&
          !before.passesContainer(c)
        )
          added.push(c);
      }
    }
    connection.rememberSnapshot(added, SNAPSHOT_OVERLAP_MS);
    return { status: 'ok', containers: added };
  }

  /**
   * `find_containers`: matches among the containers the replica holds (every followed host's,
   * as delivered), each checked with `canSee`; no read of Redis. The socket's view is unchanged.
   */
  find(connection: ClientConnection, payload: FindContainersPayload): FindContainersAck {
    const { principal } = connection;
    const tally = this.tally;
    const hostIds = this.hosts.knownHostIds();
    function* visible(): Generator<Container> {
      for (const hostId of hostIds) {
        if (!canSeeHost(principal, hostId)) continue;
        for (const c of tally.containers(hostId)) if (canSee(principal, c)) yield c;
      }
    }
    const found = findContainers(visible(), payload.q, payload.limit ?? LIMITS.defaultFindResults);
    return { status: 'ok', ...found };
  }

  private sendAllCounts(connection: ClientConnection): void {
    const update: CountsUpdatePayload = { hosts: {} };
    for (const hostId of connection.cursors.hostIds()) {
      if (canSeeHost(connection.principal, hostId))
        update.hosts[hostId] = this.countsFor(connection.principal, hostId);
    }
    this.outbox.send(connection, 'counts_update', update);
  }

  /**
   * The counts that changed since the last call, to every ready socket with a view that does not
   * hold every container it may see (one under the line counts its own).
   */
  private sendCounts(): void {
    const changes = this.tally.takeChanges();
    if (changes.size === 0) return;
    // Built once for every socket whose role sees whole hosts; scoped users get their own.
    const shared = new Map<string, HostCounts>();
    for (const [hostId, projects] of changes) {
      const counts = this.tally.countsOf(hostId);
      if (counts) shared.set(hostId, changedPart(counts, projects));
    }
    // Sockets that would get the same update (the same hosts, whole) share one encoding.
    const groups = new Map<string, { update: CountsUpdatePayload; to: ClientConnection[] }>();
    // Most sockets may see every host and have a cursor on each followed one (a view's cursors
    // are only ever on followed hosts): they get every change, with no look at each host.
    const everyHost = {
      update: { hosts: Object.fromEntries(shared) },
      to: [] as ClientConnection[],
    };
    const followed = this.hosts.followedCount();
    for (const connection of this.registry.all()) {
      if (!connection.ready || !connection.view || connection.filter.isEverything) continue;
      const whole = connection.principal.containers === undefined;
      if (whole && connection.cursors.size === followed && seesEveryHost(connection.principal)) {
        everyHost.to.push(connection);
        continue;
      }
      const update: CountsUpdatePayload = { hosts: {} };
      let key = '';
      for (const [hostId, projects] of changes) {
        if (!connection.cursors.has(hostId) || !canSeeHost(connection.principal, hostId)) continue;
        const part = whole
          ? shared.get(hostId)
          : changedPart(this.countsFor(connection.principal, hostId), projects);
        if (!part) continue;
        update.hosts[hostId] = part;
        key += `${hostId}\n`;
      }
      if (key === '') continue;
      if (!whole) {
        this.outbox.send(connection, 'counts_update', update);
        continue;
      }
      const group = groups.get(key);
      if (group) group.to.push(connection);
      else groups.set(key, { update, to: [connection] });
    }
    for (const { update, to } of [everyHost, ...groups.values()])
      if (to.length > 0 && Object.keys(update.hosts).length > 0)
        this.outbox.broadcast(to, 'counts_update', update);
  }

  private countsFor(principal: Principal, hostId: string): HostCounts {
    if (principal.containers === undefined)
      return this.tally.countsOf(hostId) ?? { states: {}, projects: {} };
    return countContainers([...this.tally.containers(hostId)].filter((c) => canSee(principal, c)));
  }

  /** The directory follows a new host: ready sockets catch up on it or are told about it. */
  private hostFollowed(status: HostStatus, containers: Container[], position: string): void {
    for (const connection of this.registry.all()) {
      if (!connection.ready) continue;
      if (connection.cursors.has(status.host_id)) void this.catchUp(connection, status.host_id);
      else if (canSeeHost(connection.principal, status.host_id))
        this.present(connection, status, containers, position);
    }
  }

  /** Tells a socket about a host it has not seen: its status and containers, then live. */
  private present(
    connection: ClientConnection,
    status: HostStatus,
    containers: Container[],
    position: string,
  ): void {
    connection.cursors.start(status.host_id, position);
    connection.rememberSnapshot(containers, SNAPSHOT_OVERLAP_MS);
    if (connection.filter.passesHost(status.host_id))
      this.outbox.send(connection, 'host_state_change', status);
    // The replica's counts, not the snapshot's: they are absolute, and already hold any change
    // the catch-up below brings, which no later counts_update might repeat.
    if (connection.view && !connection.filter.isEverything) {
      this.outbox.send(connection, 'counts_update', {
        hosts: { [status.host_id]: this.countsFor(connection.principal, status.host_id) },
      });
    }
    for (const c of containers) this.sendContainer(connection, c);
    void this.catchUp(connection, status.host_id);
  }

  /** As `present` for a socket that connected while the host was being discovered. */
  private async introduce(connection: ClientConnection, hostId: string): Promise<void> {
    if (
      !this.hosts.status(hostId) ||
      connection.introducing.has(hostId) ||
      !canSeeHost(connection.principal, hostId)
    )
      return;
    connection.introducing.add(hostId);
    try {
      const { containers, position } = await this.bus.events.snapshotAt(hostId);
      const status = this.hosts.status(hostId);
      if (status && !connection.closed && !connection.cursors.has(hostId))
        this.present(connection, status, containers, position);
    } catch (error: unknown) {
      this.logger.warn(
        `reading host ${hostId} for socket ${connection.id} failed: ${describeError(error)}`,
      );
    } finally {
      connection.introducing.delete(hostId);
    }
  }

  /**
   * Reads the host's events after the socket's position until it reaches what the directory has
   * delivered, then lets the follower feed it. Nothing is sent twice: every send moves the cursor.
   */
  private async catchUp(connection: ClientConnection, hostId: string): Promise<void> {
    if (connection.catchingUp.has(hostId)) return;
    connection.catchingUp.add(hostId);
    try {
      while (!connection.closed && !this.closed) {
        const delivered = this.hosts.delivered(hostId);
        // Not followed yet: the directory resumes the catch-up once it is.
        if (delivered === undefined) return;
        if (connection.cursors.goLiveIfCaughtUp(hostId, delivered)) return;
        const after = connection.cursors.position(hostId) ?? '0-0';
        const page = await this.bus.events.range(hostId, after, CATCH_UP_PAGE);
        if (connection.closed) return;
        if (page.length === 0) {
          // What lies between was trimmed or unreadable: nothing more to read.
          connection.cursors.goLive(hostId);
          return;
        }
        for (const entry of page) {
          if (connection.cursors.acceptCatchUp(hostId, entry.id))
            this.deliver(connection, hostId, entry.value);
        }
      }
    } catch (error: unknown) {
      this.logger.warn(
        `catching up socket ${connection.id} on host ${hostId} failed: ${describeError(error)}`,
      );
      if (!connection.closed) connection.socket.disconnect(true);
    } finally {
      connection.catchingUp.delete(hostId);
    }
  }

  private deliver(connection: ClientConnection, hostId: string, event: FleetEvent): void {
    if (this.wants(connection, hostId, event)) this.broadcast([connection], hostId, event);
  }

  /** Is the event one the socket shows (and has not had in its snapshot)? */
  private wants(connection: ClientConnection, hostId: string, event: FleetEvent): boolean {
    if (event.type === 'container')
      return !connection.alreadyHas(event.container) && shows(connection, event.container);
    return canSeeHost(connection.principal, hostId) && connection.filter.passesHost(hostId);
  }

  /** The event to sockets that want it, encoded once for all of them. */
  private broadcast(recipients: ClientConnection[], hostId: string, event: FleetEvent): void {
    if (event.type === 'container')
      this.outbox.broadcast(recipients, 'container_state_change', event.container);
    else
      this.outbox.broadcast(recipients, 'host_state_change', this.hosts.statusAfter(hostId, event));
  }

  private sendContainer(connection: ClientConnection, container: Container): void {
    if (shows(connection, container))
      this.outbox.send(connection, 'container_state_change', container);
  }

  /** A host whose heartbeat came or went (seen by polling, no event): tell every ready socket. */
  private broadcastHost(status: HostStatus): void {
    const recipients: ClientConnection[] = [];
    for (const connection of this.registry.all()) {
      if (
        connection.ready &&
        connection.cursors.has(status.host_id) &&
        canSeeHost(connection.principal, status.host_id) &&
        connection.filter.passesHost(status.host_id)
      )
        recipients.push(connection);
    }
    this.outbox.broadcast(recipients, 'host_state_change', status);
  }
}

function shows(connection: ClientConnection, container: Container): boolean {
  return canSee(connection.principal, container) && connection.filter.passesContainer(container);
}

/** A host's counts as `counts_update` sends them: every state, and the projects that changed. */
function changedPart(counts: HostCounts, projects: ReadonlySet<string>): HostCounts {
  const part: HostCounts = { states: { ...counts.states }, projects: {} };
  for (const name of projects) part.projects[name] = { ...counts.projects[name] };
  return part;
}
