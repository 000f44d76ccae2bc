import { createMemoryBus, type Bus } from '@flotilla/bus';
import type { FleetView, ServerEventName, ServerToClientEvents } from '@flotilla/contracts';
import { ANONYMOUS_ADMIN, type Principal } from '../../src/auth/principal';
import { HostDiscovery } from '../../src/bus/host-discovery.service';
import { LeaseKeeper } from '../../src/bus/lease-keeper.service';
import { ChannelServices } from '../../src/bus/leased-channels';
import { StreamRouter } from '../../src/bus/stream-router.service';
import { ErrorReporter } from '../../src/core/error-reporter';
import { DEFAULT_TUNING, type GatewayTuning } from '../../src/core/gateway-tuning';
import { TokenBucket } from '../../src/core/token-bucket';
import { ContainerResolver } from '../../src/fleet/container-resolver.service';
import { FleetFeed } from '../../src/fleet/fleet-feed.service';
import { HostDirectory } from '../../src/fleet/host-directory.service';
import { DockerHistory } from '../../src/logs/docker-history';
import { LogStreamService } from '../../src/logs/log-stream.service';
import { GatewayMetrics } from '../../src/metrics/gateway-metrics';
import { ClientOutbox } from '../../src/socket/client-outbox.service';
import { ClientConnection } from '../../src/socket/client-connection';
import { ConnectionRegistry } from '../../src/socket/connection-registry.service';
import type { FleetSocket } from '../../src/socket/socket-types';
import { StatsStreamService } from '../../src/stats/stats-stream.service';

type Payload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

type Emit = (event: string, payload: unknown) => boolean;

/** The part of a Socket.IO namespace the outbox broadcasts through: `local.to(ids).emit`. */
class RecordingNamespace {
  readonly sockets = new Map<string, Emit>();
  readonly local = {
    to: (ids: string[]) => ({
      emit: (event: string, payload: unknown): boolean => {
        for (const id of new Set(ids)) this.sockets.get(id)?.(event, payload);
        return true;
      },
    }),
  };
}

/** A socket that records what the replica sends it; its client reads everything at once. */
export class RecordingSocket {
  readonly received: { event: string; payload: unknown }[] = [];
  private readonly waiters = new Set<() => void>();
  readonly socket: FleetSocket;
  disconnected = false;

  constructor(
    readonly id: string,
    nsp = new RecordingNamespace(),
  ) {
    const emit: Emit = (event, payload) => {
      this.received.push({ event, payload });
      for (const wake of [...this.waiters]) wake();
      return true;
    };
    const disconnect = (): void => {
      this.disconnected = true;
      nsp.sockets.delete(id);
    };
    nsp.sockets.set(id, emit);
    const conn = { writeBuffer: [], transport: { socket: { bufferedAmount: 0 } } };
    this.socket = { id, emit, disconnect, conn, nsp } as unknown as FleetSocket;
  }

  all<E extends ServerEventName>(event: E): Payload<E>[] {
    return this.received.filter((m) => m.event === event).map((m) => m.payload as Payload<E>);
  }

  /** The first `event` (already received or still to come) that `match` accepts. */
  waitFor<E extends ServerEventName>(
    event: E,
    match: (payload: Payload<E>) => boolean = () => true,
  ): Promise<Payload<E>> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const found = this.all(event).find(match);
        if (found === undefined) return false;
        this.waiters.delete(wake);
        resolve(found);
        return true;
      };
      const wake = (): void => void check();
      if (!check()) this.waiters.add(wake);
    });
  }
}

/**
 * One replica's core services wired as the module wires them, over the in-memory bus: what the
 * unit specs of the channels and the fleet feed drive, with no Redis, Docker or Socket.IO.
 */
export class MemoryReplica {
  readonly bus: Bus = createMemoryBus();
  readonly tuning: GatewayTuning;
  readonly metrics = new GatewayMetrics();
  readonly router = new StreamRouter(this.bus);
  readonly leases: LeaseKeeper;
  readonly hosts: HostDirectory;
  readonly discovery: HostDiscovery;
  readonly registry = new ConnectionRegistry();
  private readonly nsp = new RecordingNamespace();
  readonly outbox: ClientOutbox;
  readonly feed: FleetFeed;
  readonly logs: LogStreamService;
  readonly stats: StatsStreamService;

  constructor(tuning: Partial<GatewayTuning> = {}) {
    this.tuning = { ...DEFAULT_TUNING, hostPollMs: 60_000, ...tuning };
    this.leases = new LeaseKeeper(this.bus, 'replica-1', this.tuning);
    this.hosts = new HostDirectory(this.bus, this.router, this.metrics, this.tuning);
    this.discovery = new HostDiscovery(this.bus, this.hosts);
    this.outbox = new ClientOutbox(this.metrics, this.tuning);
    this.feed = new FleetFeed(
      this.bus,
      this.hosts,
      this.registry,
      this.outbox,
      'replica-1',
      this.tuning,
    );
    const services = new ChannelServices(
      this.router,
      this.leases,
      this.hosts,
      new ContainerResolver(this.bus),
      this.outbox,
      new ErrorReporter(),
      this.tuning,
    );
    this.logs = new LogStreamService(
      this.bus,
      this.outbox,
      this.metrics,
      this.tuning,
      new DockerHistory(this.bus),
      services,
    );
    this.stats = new StatsStreamService(this.bus, this.outbox, services, this.metrics);
  }

  async start(): Promise<void> {
    await this.discovery.onModuleInit();
    await this.hosts.onApplicationBootstrap();
  }

  connect(
    id: string,
    principal: Principal = ANONYMOUS_ADMIN,
    view?: FleetView,
  ): [ClientConnection, RecordingSocket] {
    const socket = new RecordingSocket(id, this.nsp);
    const connection = new ClientConnection(
      socket.socket,
      principal,
      new TokenBucket(100, 100),
      view,
    );
    this.registry.add(connection);
    return [connection, socket];
  }

  async close(): Promise<void> {
    for (const connection of this.registry.all()) connection.closed = true;
    await this.logs.onModuleDestroy();
    this.stats.onModuleDestroy();
    this.feed.onModuleDestroy();
    this.hosts.onModuleDestroy();
    await this.discovery.onModuleDestroy();
    await this.leases.onModuleDestroy();
    await this.router.close();
    this.outbox.onModuleDestroy();
    await this.bus.close();
  }
}
