import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { RedisKeys, type Container, type FleetEvent, type HostStatus } from '@flotilla/contracts';
import { type Bus, timeOfStreamId } from '@flotilla/bus';
import { describeError } from '@flotilla/logging';
import { BUS, GATEWAY_TUNING } from '../core/tokens';
import type { GatewayTuning } from '../core/gateway-tuning';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { StreamRouter, type RawEntries } from '../bus/stream-router.service';

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

/** What the directory tells the per-socket feed. */
export interface HostListener {
  /** The replica now follows `hostId` from `position`, where it had `containers`. */
  followed(status: HostStatus, containers: Container[], position: string): void;
  /** One event of a followed host, after the directory applied it. */
  event(hostId: string, id: string, event: FleetEvent): void;
  /** A host's heartbeat, engine or labels changed without an event (seen by polling). */
  changed(status: HostStatus): void;
}

/**
 * The hosts this replica knows: reads the host list (at boot, every `hostPollMs` and when a host
 * announces itself), follows each host's event stream (one follower for the replica) and keeps
 * each host's status and the newest event delivered. What it learns goes to its listeners: the
 * per-socket feed, and the channels that end when their container is removed.
 */
@Injectable()
export class HostDirectory implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HostDirectory.name);
  private readonly hosts = new Map<string, KnownHost>();
  private readonly removedListeners = new Set<ContainerRemovedListener>();
  private readonly hostListeners = new Set<HostListener>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private closed = false;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly router: StreamRouter,
    private readonly metrics: GatewayMetrics,
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

  listen(listener: HostListener): void {
    this.hostListeners.add(listener);
  }

  knownHostIds(): string[] {
    return [...this.hosts.keys()];
  }

  status(hostId: string): HostStatus | undefined {
    return this.hosts.get(hostId)?.status;
  }

  /** How many hosts the replica follows (hosts are never unfollowed). */
  followedCount(): number {
    let n = 0;
    for (const known of this.hosts.values()) if (known.delivered !== undefined) n++;
    return n;
  }

  /** Newest event id delivered for a followed host; undefined while it is not followed. */
  delivered(hostId: string): string | undefined {
    return this.hosts.get(hostId)?.delivered;
  }

  /** The host's status as a host event sets it. */
  statusAfter(hostId: string, event: Extract<FleetEvent, { type: 'host' }>): HostStatus {
    const known = this.hosts.get(hostId);
    const lastSeen = event.online ? new Date().toISOString() : (known?.status.last_seen ?? null);
    return { ...event.host, online: event.online, last_seen: lastSeen };
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
        if (changed) for (const listener of this.hostListeners) listener.changed(status);
      }
    }
    await Promise.all(discoveries);
  }

  /** A host this replica has not followed yet: follow it and tell the listeners. */
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
      for (const listener of this.hostListeners)
        listener.followed(known.status, containers, position);
    } catch (error: unknown) {
      // Forget it, so the next poll tries again.
      this.hosts.delete(hostId);
      this.logger.warn(`following host ${hostId} failed: ${describeError(error)}`);
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
      this.apply(known, entry.value);
      for (const listener of this.hostListeners) listener.event(hostId, entry.id, entry.value);
    }
  }

  /** What an event changes for the replica itself (once, whatever the number of sockets). */
  private apply(known: KnownHost, event: FleetEvent): void {
    if (event.type === 'host') {
      known.status = this.statusAfter(known.status.host_id, event);
      known.eventChangedAt = Date.now();
    } else if (event.container.state === 'removed') {
      for (const listener of this.removedListeners)
        listener(event.container.host_id, event.container.container_id);
    }
  }
}
