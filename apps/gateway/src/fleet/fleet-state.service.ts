import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import {
  PROTOCOL_VERSION,
  RedisKeys,
  type Container,
  type FleetEvent,
  type HostStatus,
} from '@flotilla/contracts';
import { type Bus, timeOfStreamId } from '@flotilla/bus';
import { canSee, canSeeHost } from '../auth/access-policy';
import { BUS, GATEWAY_TUNING, REPLICA_ID } from '../core/tokens';
import type { GatewayTuning } from '../core/gateway-tuning';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { StreamRouter, type RawEntries } from '../bus/stream-router.service';
import { ClientOutbox } from '../socket/client-outbox.service';
import type { ClientSession } from '../socket/client-session';
import { SessionRegistry } from '../socket/session-registry.service';
import { describeError } from '@flotilla/logging';

interface KnownHost {
  status: HostStatus;
  /** Newest event id the follower handed out (or the id it follows from); undefined until followed. */
  delivered: string | undefined;
  /** When an event last changed the host's status, so an older poll result does not undo it. */
  eventChangedAt: number;
}

/** Called with one removed container, or with every container a host still has (a resync). */
export type ContainerRemovedListener = (
  hostId: string,
  removed: string | ReadonlySet<string>,
) => void;

/** Events read per range request while a socket catches up. */
const CATCH_UP_PAGE = 500;
/** How long a socket remembers its snapshots' revisions (see ClientSession.alreadyHas). */
const SNAPSHOT_OVERLAP_MS = 10_000;

/**
 * The fleet as this replica serves it: follows every known host's event stream (one follower for
 * the replica), sends each socket `initial_state` and then every later change exactly once, in
 * order, to its own sockets only. Each socket keeps its own position per host (SocketCursors).
 */
@Injectable()
export class FleetStateService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FleetStateService.name);
  private readonly hosts = new Map<string, KnownHost>();
  private readonly removedListeners = new Set<ContainerRemovedListener>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private closed = false;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly router: StreamRouter,
    private readonly registry: SessionRegistry,
    private readonly outbox: ClientOutbox,
    private readonly metrics: GatewayMetrics,
    @Inject(REPLICA_ID) private readonly replicaId: string,
    @Inject(GATEWAY_TUNING) private readonly tuning: GatewayTuning,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.pollHosts();
    this.timer = setInterval(() => void this.pollHosts(), this.tuning.hostPollMs);
  }

  onModuleDestroy(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  onContainerRemoved(listener: ContainerRemovedListener): void {
    this.removedListeners.add(listener);
  }

  knownHostIds(): string[] {
    return [...this.hosts.keys()];
  }

  /** Connection sequence: `connection_established`, `initial_state`, catch-up, then live. */
  async connect(session: ClientSession): Promise<void> {
    this.outbox.send(session, 'connection_established', {
      message: 'Connected to Flotilla',
      protocol_version: PROTOCOL_VERSION,
      server_id: this.replicaId,
      user: session.principal.user,
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
    for (const hostId of this.hosts.keys()) {
      if (!session.cursors.has(hostId)) void this.introduce(session, hostId);
    }
  }

  /** Reads the host list: follows new hosts, reports hosts whose heartbeat came or went. */
  pollHosts(): Promise<void> {
    this.polling ??= this.readHosts()
      .catch((error: unknown) => {
        if (!this.closed) this.logger.warn(`reading the host list failed: ${describeError(error)}`);
      })
      .finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async readHosts(): Promise<void> {
    const issuedAt = Date.now();
    const list = await this.bus.hosts.list();
    if (this.closed) return;
    const discoveries: Promise<void>[] = [];
    for (const status of list) {
      const known = this.hosts.get(status.host_id);
      if (!known) {
        this.hosts.set(status.host_id, { status, delivered: undefined, eventChangedAt: 0 });
        discoveries.push(this.discover(status.host_id));
      } else if (known.eventChangedAt <= issuedAt) {
        // A host's engine can come and go while its agent stays online; pages must see that too.
        const changed =
          known.status.online !== status.online ||
          JSON.stringify(known.status.engine) !== JSON.stringify(status.engine) ||
          JSON.stringify(known.status.labels) !== JSON.stringify(status.labels);
        known.status = status;
        if (changed) this.broadcastHost(status);
      }
    }
    await Promise.all(discoveries);
  }

  /** A host this replica has not followed yet: follow it and tell the ready sockets about it. */
  private async discover(hostId: string): Promise<void> {
    try {
      const { containers, position } = await this.bus.events.snapshotAt(hostId);
      const known = this.hosts.get(hostId);
      if (this.closed || !known) return;
      known.delivered = position;
      this.router.follow(RedisKeys.events(hostId), position, (entries) =>
        this.onEvents(hostId, entries),
      );
      // Streams opened before the replica followed this host may name containers removed since.
      const present = new Set(
        containers.filter((c) => c.state !== 'removed').map((c) => c.container_id),
      );
      for (const listener of this.removedListeners) listener(hostId, present);
      for (const session of this.registry.all()) {
        if (!session.ready) continue;
        if (session.cursors.has(hostId)) void this.catchUp(session, hostId);
        else if (canSeeHost(session.principal, hostId))
          this.present(session, known.status, containers, position);
      }
    } catch (error: unknown) {
      // Forget it, so the next poll tries again.
      this.hosts.delete(hostId);
      this.logger.warn(`following host ${hostId} failed: ${describeError(error)}`);
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
    const known = this.hosts.get(hostId);
    if (!known || session.introducing.has(hostId) || !canSeeHost(session.principal, hostId)) return;
    session.introducing.add(hostId);
    try {
      const { containers, position } = await this.bus.events.snapshotAt(hostId);
      if (!session.closed && !session.cursors.has(hostId))
        this.present(session, known.status, containers, position);
    } catch (error: unknown) {
      this.logger.warn(
        `reading host ${hostId} for socket ${session.id} failed: ${describeError(error)}`,
      );
    } finally {
      session.introducing.delete(hostId);
    }
  }

  /**
   * Reads the host's events after the socket's position until it reaches what the follower has
   * delivered, then lets the follower feed it. Nothing is sent twice: every send moves the cursor.
   */
  private async catchUp(session: ClientSession, hostId: string): Promise<void> {
    if (session.catchingUp.has(hostId)) return;
    session.catchingUp.add(hostId);
    try {
      while (!session.closed && !this.closed) {
        const delivered = this.hosts.get(hostId)?.delivered;
        // Not followed yet: `discover` resumes the catch-up once it is.
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

  private onEvents(hostId: string, entries: RawEntries): void {
    const known = this.hosts.get(hostId);
    if (!known) return;
    const last = entries[entries.length - 1];
    if (!last) return;
    // Entries that fail or name another host are dropped (and counted) by the bus; the position
    // still moves past them, so a socket's catch-up does not read them again.
    known.delivered = last.id;
    this.metrics.eventDelivered(timeOfStreamId(last.id));
    for (const entry of this.bus.records.events(hostId, entries)) {
      this.applyToReplica(known, entry.value);
      for (const session of this.registry.all()) {
        if (session.cursors.acceptLive(hostId, entry.id))
          this.deliver(session, hostId, entry.value);
      }
    }
  }

  /** What an event changes for the replica itself (once, whatever the number of sockets). */
  private applyToReplica(known: KnownHost, event: FleetEvent): void {
    if (event.type === 'host') {
      known.status = this.hostStatusOf(known, event);
      known.eventChangedAt = Date.now();
    } else if (event.container.state === 'removed') {
      for (const listener of this.removedListeners)
        listener(event.container.host_id, event.container.container_id);
    }
  }

  private deliver(session: ClientSession, hostId: string, event: FleetEvent): void {
    if (event.type === 'container') {
      if (!session.alreadyHas(event.container)) this.sendContainer(session, event.container);
      return;
    }
    const known = this.hosts.get(hostId);
    const status = known
      ? this.hostStatusOf(known, event)
      : { ...event.host, online: event.online, last_seen: null };
    if (canSeeHost(session.principal, hostId) && session.filter.passesHost(hostId)) {
      this.outbox.send(session, 'host_state_change', status);
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

  private hostStatusOf(known: KnownHost, event: Extract<FleetEvent, { type: 'host' }>): HostStatus {
    return {
      ...event.host,
      online: event.online,
      last_seen: event.online ? new Date().toISOString() : known.status.last_seen,
    };
  }
}
