import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  PROTOCOL_VERSION,
  type Container,
  type FleetEvent,
  type HostStatus,
} from '@flotilla/contracts';
import type { Bus } from '@flotilla/bus';
import { describeError } from '@flotilla/logging';
import { allowedActions, canSee, canSeeHost } from '../auth/access-policy';
import { BUS, REPLICA_ID } from '../core/tokens';
import { ClientOutbox } from '../socket/client-outbox.service';
import type { ClientSession } from '../socket/client-session';
import { SessionRegistry } from '../socket/session-registry.service';
import { HostDirectory } from './host-directory.service';

/** Events read per range request while a socket catches up. */
const CATCH_UP_PAGE = 500;
/** How long a socket remembers its snapshots' revisions (see ClientSession.alreadyHas). */
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
  private closed = false;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly hosts: HostDirectory,
    private readonly registry: SessionRegistry,
    private readonly outbox: ClientOutbox,
    @Inject(REPLICA_ID) private readonly replicaId: string,
  ) {
    hosts.listen({
      followed: (status, containers, position) => this.hostFollowed(status, containers, position),
      event: (hostId, id, event) => {
        for (const session of this.registry.all()) {
          if (session.cursors.acceptLive(hostId, id)) this.deliver(session, hostId, event);
        }
      },
      changed: (status) => this.broadcastHost(status),
    });
  }

  onModuleDestroy(): void {
    this.closed = true;
  }

  /** Connection sequence: `connection_established`, `initial_state`, catch-up, then live. */
  async connect(session: ClientSession): Promise<void> {
    this.outbox.send(session, 'connection_established', {
      message: 'Connected to Flotilla',
      protocol_version: PROTOCOL_VERSION,
      server_id: this.replicaId,
      user: session.principal.user,
      actions: allowedActions(session.principal),
    });
    const hosts = (await this.bus.hosts.list()).filter((h) =>
      canSeeHost(session.principal, h.host_id),
    );
    const snapshots = await Promise.all(hosts.map((h) => this.bus.events.snapshotAt(h.host_id)));
    if (session.closed) return;
    const containers: Container[] = [];
    const position: Record<string, string> = {};
    hosts.forEach((host, i) => {
      const snapshot = snapshots[i];
      session.cursors.start(host.host_id, snapshot.position);
      position[host.host_id] = snapshot.position;
      for (const c of snapshot.containers) if (canSee(session.principal, c)) containers.push(c);
    });
    session.rememberSnapshot(containers, SNAPSHOT_OVERLAP_MS);
    this.outbox.send(session, 'initial_state', { containers, hosts, position });
    session.ready = true;
    for (const host of hosts) void this.catchUp(session, host.host_id);
    // Hosts this replica found while the snapshots were read.
    for (const hostId of this.hosts.knownHostIds()) {
      if (!session.cursors.has(hostId)) void this.introduce(session, hostId);
    }
  }

  /** The directory follows a new host: ready sockets catch up on it or are told about it. */
  private hostFollowed(status: HostStatus, containers: Container[], position: string): void {
    for (const session of this.registry.all()) {
      if (!session.ready) continue;
      if (session.cursors.has(status.host_id)) void this.catchUp(session, status.host_id);
      else if (canSeeHost(session.principal, status.host_id))
        this.present(session, status, containers, position);
    }
  }

  /** Tells a socket about a host it has not seen: its status and containers, then live. */
  private present(
    session: ClientSession,
    status: HostStatus,
    containers: Container[],
    position: string,
  ): void {
    session.cursors.start(status.host_id, position);
    session.rememberSnapshot(containers, SNAPSHOT_OVERLAP_MS);
    if (session.filter.passesHost(status.host_id))
      this.outbox.send(session, 'host_state_change', status);
    for (const c of containers) this.sendContainer(session, c);
    void this.catchUp(session, status.host_id);
  }

  /** As `present` for a socket that connected while the host was being discovered. */
  private async introduce(session: ClientSession, hostId: string): Promise<void> {
    if (
      !this.hosts.status(hostId) ||
      session.introducing.has(hostId) ||
      !canSeeHost(session.principal, hostId)
    )
      return;
    session.introducing.add(hostId);
    try {
      const { containers, position } = await this.bus.events.snapshotAt(hostId);
      const status = this.hosts.status(hostId);
      if (status && !session.closed && !session.cursors.has(hostId))
        this.present(session, status, containers, position);
    } catch (error: unknown) {
      this.logger.warn(
        `reading host ${hostId} for socket ${session.id} failed: ${describeError(error)}`,
      );
    } finally {
      session.introducing.delete(hostId);
    }
  }

  /**
   * Reads the host's events after the socket's position until it reaches what the directory has
   * delivered, then lets the follower feed it. Nothing is sent twice: every send moves the cursor.
   */
  private async catchUp(session: ClientSession, hostId: string): Promise<void> {
    if (session.catchingUp.has(hostId)) return;
    session.catchingUp.add(hostId);
    try {
      while (!session.closed && !this.closed) {
        const delivered = this.hosts.delivered(hostId);
        // Not followed yet: the directory resumes the catch-up once it is.
        if (delivered === undefined) return;
        if (session.cursors.goLiveIfCaughtUp(hostId, delivered)) return;
        const after = session.cursors.position(hostId) ?? '0-0';
        const page = await this.bus.events.range(hostId, after, CATCH_UP_PAGE);
        if (session.closed) return;
        if (page.length === 0) {
          // What lies between was trimmed or unreadable: nothing more to read.
          session.cursors.goLive(hostId);
          return;
        }
        for (const entry of page) {
          if (session.cursors.acceptCatchUp(hostId, entry.id))
            this.deliver(session, hostId, entry.value);
        }
      }
    } catch (error: unknown) {
      this.logger.warn(
        `catching up socket ${session.id} on host ${hostId} failed: ${describeError(error)}`,
      );
      if (!session.closed) session.socket.disconnect(true);
    } finally {
      session.catchingUp.delete(hostId);
    }
  }

  private deliver(session: ClientSession, hostId: string, event: FleetEvent): void {
    if (event.type === 'container') {
      if (!session.alreadyHas(event.container)) this.sendContainer(session, event.container);
      return;
    }
    if (canSeeHost(session.principal, hostId) && session.filter.passesHost(hostId)) {
      this.outbox.send(session, 'host_state_change', this.hosts.statusAfter(hostId, event));
    }
  }

  private sendContainer(session: ClientSession, container: Container): void {
    if (!canSee(session.principal, container)) return;
    if (!session.filter.passesContainer(container.host_id, container.container_id)) return;
    this.outbox.send(session, 'container_state_change', container);
  }

  /** A host whose heartbeat came or went (seen by polling, no event): tell every ready socket. */
  private broadcastHost(status: HostStatus): void {
    for (const session of this.registry.all()) {
      if (!session.ready || !session.cursors.has(status.host_id)) continue;
      if (
        canSeeHost(session.principal, status.host_id) &&
        session.filter.passesHost(status.host_id)
      ) {
        this.outbox.send(session, 'host_state_change', status);
      }
    }
  }
}
