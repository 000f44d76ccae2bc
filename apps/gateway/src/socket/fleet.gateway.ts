import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import {
  containerActionSchema,
  findContainersSchema,
  heartbeatSchema,
  loadEarlierSchema,
  pinLineSchema,
  searchCancelSchema,
  searchLogsSchema,
  startLogStreamSchema,
  statsSubscriptionSchema,
  stopLogStreamSchema,
  subscribeSchema,
  unpinSchema,
  watchSchema,
  type ContainerActionAck,
  type ErrorAck,
  type FindContainersAck,
  type HeartbeatAck,
  type LoadEarlierAck,
  type OkAck,
  type PinLineAck,
  type SearchLogsAck,
  type SubscribeAck,
  type StartLogStreamAck,
  type WatchAck,
} from '@flotilla/contracts';
import { AuditService } from '../audit/audit.service';
import { SocketAuthenticator } from '../auth/socket-authenticator.service';
import { ActionFeed } from '../commands/action-feed.service';
import { ContainerActionService } from '../commands/container-action.service';
import { FleetFeed } from '../fleet/fleet-feed.service';
import { LogStreamService } from '../logs/log-stream.service';
import { PinService } from '../pins/pin.service';
import { PresenceService } from '../presence/presence.service';
import { SearchSocketService } from '../search/search-socket.service';
import { StatsStreamService } from '../stats/stats-stream.service';
import { FleetCensus } from './fleet-census.service';
import { IoServerRef } from './io-server.ref';
import { ConnectionService } from './connection.service';
import { SocketEdge } from './socket-edge.service';
import type { FleetServer, FleetSocket } from './socket-types';

/**
 * The Socket.IO edge: one handler per client event, each validated by the edge against the
 * contract's schema and delegated in one call. Transport options (websocket only, message size,
 * ping timing, origin check, Redis adapter) are set by `FleetIoAdapter`.
 */
@WebSocketGateway()
export class FleetGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  @WebSocketServer() server!: FleetServer;

  constructor(
    private readonly edge: SocketEdge,
    private readonly connections: ConnectionService,
    private readonly logs: LogStreamService,
    private readonly stats: StatsStreamService,
    private readonly commands: ContainerActionService,
    private readonly feed: ActionFeed,
    private readonly authenticator: SocketAuthenticator,
    private readonly io: IoServerRef,
    private readonly census: FleetCensus,
    private readonly audit: AuditService,
    private readonly presence: PresenceService,
    private readonly searches: SearchSocketService,
    private readonly pins: PinService,
    private readonly fleet: FleetFeed,
  ) {}

  afterInit(server: FleetServer): void {
    this.io.attach(server);
    server.use(this.authenticator.middleware());
    server.on('container_action', (record) => this.feed.receive(record));
    server.on('audit_event', (record) => this.audit.receive(record));
    server.on('pins_changed', (ref) => this.pins.refresh(ref));
    this.census.attach(server);
  }

  handleConnection(socket: FleetSocket): void {
    this.connections.connect(socket);
  }

  handleDisconnect(socket: FleetSocket): void {
    this.connections.disconnect(socket);
  }

  @SubscribeMessage('start_log_stream')
  startLogStream(
    @ConnectedSocket() socket: FleetSocket,
    @MessageBody() body: unknown,
  ): Promise<StartLogStreamAck> {
    return this.edge.handle(
      socket,
      'start_log_stream',
      startLogStreamSchema,
      body,
      (s, p) => this.logs.start(s, p),
      {
        rateLimited: true,
      },
    );
  }

  @SubscribeMessage('load_earlier')
  loadEarlier(
    @ConnectedSocket() socket: FleetSocket,
    @MessageBody() body: unknown,
  ): Promise<LoadEarlierAck> {
    return this.edge.handle(
      socket,
      'load_earlier',
      loadEarlierSchema,
      body,
      (s, p) => this.logs.earlier(s, p),
      { rateLimited: true },
    );
  }

  @SubscribeMessage('stop_log_stream')
  stopLogStream(
    @ConnectedSocket() socket: FleetSocket,
    @MessageBody() body: unknown,
  ): Promise<OkAck> {
    return this.edge.handle(socket, 'stop_log_stream', stopLogStreamSchema, body, (s, p) =>
      this.logs.stop(s, p),
    );
  }

  @SubscribeMessage('subscribe_stats')
  subscribeStats(
    @ConnectedSocket() socket: FleetSocket,
    @MessageBody() body: unknown,
  ): Promise<OkAck> {
    return this.edge.handle(
      socket,
      'subscribe_stats',
      statsSubscriptionSchema,
      body,
      (s, p) => this.stats.subscribe(s, p),
      {
        rateLimited: true,
      },
    );
  }

  @SubscribeMessage('unsubscribe_stats')
  unsubscribeStats(
    @ConnectedSocket() socket: FleetSocket,
    @MessageBody() body: unknown,
  ): Promise<OkAck> {
    return this.edge.handle(socket, 'unsubscribe_stats', statsSubscriptionSchema, body, (s, p) =>
      this.stats.unsubscribe(s, p),
    );
  }

  @SubscribeMessage('subscribe')
  subscribe(
    @ConnectedSocket() socket: FleetSocket,
    @MessageBody() body: unknown,
  ): Promise<SubscribeAck> {
    return this.edge.handle(
      socket,
      'subscribe',
      subscribeSchema,
      body,
      (s, p) => this.connections.subscribe(s, p),
      {
        rateLimited: true,
      },
    );
  }

  @SubscribeMessage('find_containers')
  findContainers(
    @ConnectedSocket() socket: FleetSocket,
    @MessageBody() body: unknown,
  ): Promise<FindContainersAck> {
    return this.edge.handle(
      socket,
      'find_containers',
      findContainersSchema,
      body,
      (s, p) => this.fleet.find(s, p),
      { rateLimited: true },
    );
  }

  @SubscribeMessage('container_action')
  containerAction(
    @ConnectedSocket() socket: FleetSocket,
    @MessageBody() body: unknown,
  ): Promise<ContainerActionAck> {
    return this.edge.handle(
      socket,
      'container_action',
      containerActionSchema,
      body,
      async (s, p) => {
        const result = await this.commands.run(s.principal, p);
        return { status: 'ok' as const, action: result.action, unchanged: result.unchanged };
      },
    );
  }

  @SubscribeMessage('watch')
  watch(@ConnectedSocket() socket: FleetSocket, @MessageBody() body: unknown): Promise<WatchAck> {
    return this.edge.handle(
      socket,
      'watch',
      watchSchema,
      body,
      (s, p) => this.presence.watch(s, p),
      {
        rateLimited: true,
      },
    );
  }

  @SubscribeMessage('search_logs')
  searchLogs(
    @ConnectedSocket() socket: FleetSocket,
    @MessageBody() body: unknown,
  ): Promise<SearchLogsAck> {
    return this.edge.handle(
      socket,
      'search_logs',
      searchLogsSchema,
      body,
      (s, p) => this.searches.start(s, p),
      { rateLimited: true },
    );
  }

  @SubscribeMessage('search_cancel')
  searchCancel(
    @ConnectedSocket() socket: FleetSocket,
    @MessageBody() body: unknown,
  ): Promise<OkAck> {
    return this.edge.handle(socket, 'search_cancel', searchCancelSchema, body, (s, p) =>
      this.searches.cancel(s, p),
    );
  }

  @SubscribeMessage('pin_line')
  pinLine(
    @ConnectedSocket() socket: FleetSocket,
    @MessageBody() body: unknown,
  ): Promise<PinLineAck> {
    return this.edge.handle(
      socket,
      'pin_line',
      pinLineSchema,
      body,
      (s, p) => this.pins.pin(s.principal, p),
      { rateLimited: true },
    );
  }

  @SubscribeMessage('unpin')
  unpin(@ConnectedSocket() socket: FleetSocket, @MessageBody() body: unknown): Promise<OkAck> {
    return this.edge.handle(
      socket,
      'unpin',
      unpinSchema,
      body,
      (s, p) => this.pins.unpin(s.principal, p),
      { rateLimited: true },
    );
  }

  @SubscribeMessage('heartbeat')
  heartbeat(
    @ConnectedSocket() socket: FleetSocket,
    @MessageBody() body: unknown,
  ): Promise<HeartbeatAck | ErrorAck> {
    return this.edge.handle(socket, 'heartbeat', heartbeatSchema, body, (_s, p) => ({
      status: 'ok' as const,
      sent_at: p.sent_at,
      server_time: Date.now(),
    }));
  }
}
