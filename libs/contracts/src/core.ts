/**
 * The wire contract without its validators: types, constants, key builders and pure helpers. It
 * imports nothing at run time (no zod), so the browser takes its values from here; Node code uses
 * `@flotilla/contracts`, which adds the schemas.
 */
export * from './protocol';
export * from './ids';
export * from './container';
export * from './human-duration';
export * from './logs';
export * from './stats';
export * from './commands';
export * from './fleet-events';
export * from './errors';
export * from './audit';
export * from './socket-events';
export * from './fleet-counts';
export * from './timeline';
export * from './redis-keys';
export * from './exits';
export * from './presence';
export * from './pins';

// The wire types the schemas define (type-only exports: erased, so no zod at run time).
export type { Parsed } from './schemas/validate';
export type { Container, Port } from './schemas/container';
export type { HostInfo, HostStatus } from './schemas/host';
export type { LogBatchFields } from './schemas/logs';
export type { StatsSample } from './schemas/stats';
export type { CommandReply, CommandRequest } from './schemas/commands';
export type { FleetEvent } from './schemas/fleet-events';
export type { ExitRecord } from './schemas/exits';
export type {
  ContainerActionRequest,
  FindContainersPayload,
  FleetView,
  HeartbeatPayload,
  LoadEarlierPayload,
  StartLogStreamPayload,
  StatsSubscriptionPayload,
  StopLogStreamPayload,
  SubscribePayload,
} from './schemas/client-payloads';
export * from './alerts';
export type {
  AlertFiring,
  AlertMatch,
  AlertRule,
  AlertRuleInput,
  AlertTrigger,
} from './schemas/alerts';
export * from './search';
export type {
  HostMatch,
  SearchCancelPayload,
  SearchLogsPayload,
  SearchQuery,
  SearchRecord,
  SearchRequest,
} from './schemas/search';
export type { PresenceRecord, WatchPayload } from './schemas/presence';
export type { PinLinePayload, UnpinPayload } from './schemas/pins';
