import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Bus } from '@flotilla/bus';
import { AlertDelivery } from './alerts/alert-delivery.service';
import { AlertLogWatcher } from './alerts/alert-log-watcher.service';
import { AlertFiringsController, AlertRulesController } from './alerts/alert-rules.controller';
import { AlertRules } from './alerts/alert-rules.service';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { AuthController } from './auth/auth.controller';
import { AuthStore } from './auth/auth-store.service';
import { PrincipalResolver } from './auth/principal-resolver.service';
import { ConnectionReviewer } from './auth/connection-reviewer.service';
import { SocketAuthenticator } from './auth/socket-authenticator.service';
import { UserDirectory } from './auth/user-directory.service';
import { HostDiscovery } from './bus/host-discovery.service';
import { ChannelServices } from './bus/leased-channels';
import { LeaseKeeper } from './bus/lease-keeper.service';
import { StreamRouter } from './bus/stream-router.service';
import { ActionFeed } from './commands/action-feed.service';
import { ActionLimiter } from './commands/action-limiter';
import { ContainerActionService } from './commands/container-action.service';
import type { GatewayConfig } from './config/gateway.config';
import { OriginPolicy } from './config/origin-policy';
import { ErrorReporter } from './core/error-reporter';
import type { GatewayTuning } from './core/gateway-tuning';
import { BUS, GATEWAY_CONFIG, GATEWAY_TUNING, REPLICA_ID } from './core/tokens';
import { ContainerResolver } from './fleet/container-resolver.service';
import { FleetQueryService } from './fleet/fleet-query.service';
import { FleetFeed } from './fleet/fleet-feed.service';
import { HostDirectory } from './fleet/host-directory.service';
import { GatewayInspector } from './gateway-inspector.service';
import { ExitHistoryService } from './exits/exit-history.service';
import { CrashLoopFeed } from './exits/crash-loop-feed.service';
import { ExitsController } from './exits/exits.controller';
import { ContainersController } from './http/containers.controller';
import { HealthController } from './http/health.controller';
import { HostsController } from './http/hosts.controller';
import { MetricsController } from './http/metrics.controller';
import { SearchController } from './search/search.controller';
import { SearchService } from './search/search.service';
import { SearchSocketService } from './search/search-socket.service';
import { TimelineController } from './timeline/timeline.controller';
import { TimelineService } from './timeline/timeline.service';
import { DockerHistory } from './logs/docker-history';
import { LogStreamService } from './logs/log-stream.service';
import { PresenceService } from './presence/presence.service';
import { BusRejections } from './metrics/bus-rejections.service';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { ClientOutbox } from './socket/client-outbox.service';
import { FleetCensus } from './socket/fleet-census.service';
import { FleetGateway } from './socket/fleet.gateway';
import { IoServerRef } from './socket/io-server.ref';
import { ConnectionRegistry } from './socket/connection-registry.service';
import { ConnectionService } from './socket/connection.service';
import { SocketEdge } from './socket/socket-edge.service';
import { StatsStreamService } from './stats/stats-stream.service';

export interface AppModuleOptions {
  config: GatewayConfig;
  tuning: GatewayTuning;
  bus: Bus;
  replicaId: string;
}

/** The gateway: one module, its dependencies (config, bus, replica id) handed in by `startGateway`. */
@Module({})
export class AppModule {
  static register(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [
        AuthController,
        AuditController,
        HostsController,
        ContainersController,
        HealthController,
        MetricsController,
        AlertRulesController,
        AlertFiringsController,
        ExitsController,
        SearchController,
        TimelineController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: options.config },
        { provide: GATEWAY_TUNING, useValue: options.tuning },
        { provide: BUS, useValue: options.bus },
        { provide: REPLICA_ID, useValue: options.replicaId },
        SearchService,
        SearchSocketService,
        {
          provide: OriginPolicy,
          useValue: new OriginPolicy(options.config.publicUrls, options.config.cors),
        },
        GatewayMetrics,
        ExitHistoryService,
        CrashLoopFeed,
        BusRejections,
        ErrorReporter,
        AuthStore,
        AuditService,
        UserDirectory,
        PrincipalResolver,
        SocketAuthenticator,
        StreamRouter,
        LeaseKeeper,
        ConnectionRegistry,
        ClientOutbox,
        IoServerRef,
        ContainerResolver,
        HostDirectory,
        FleetFeed,
        HostDiscovery,
        FleetQueryService,
        ChannelServices,
        DockerHistory,
        LogStreamService,
        StatsStreamService,
        ActionFeed,
        ActionLimiter,
        ContainerActionService,
        ConnectionService,
        ConnectionReviewer,
        SocketEdge,
        FleetCensus,
        FleetGateway,
        GatewayInspector,
        AlertDelivery,
        AlertLogWatcher,
        AlertRules,
        TimelineService,
        PresenceService,
      ],
    };
  }
}
