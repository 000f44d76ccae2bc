import type {
  AuditEvent,
  ClientToServerEvents,
  ContainerActionPayload,
  ServerToClientEvents,
} from '@flotilla/contracts';
import type { Server, Socket } from 'socket.io';
import type { Principal } from '../auth/principal';

/** Messages replicas send each other through the adapter. */
export interface InterServerEvents {
  container_action: (record: ContainerActionPayload) => void;
  /** An audit record, for each replica to hand to its admins who may see it. */
  audit_event: (record: AuditEvent) => void;
  /** A container's pins changed: each replica reads them and tells its viewers of it. */
  pins_changed: (ref: { host_id: string; container_id: string }) => void;
  /** A census: each replica answers with its number of connected sockets. */
  client_count: (reply: (count: number) => void) => void;
}

export interface SocketData {
  principal: Principal;
}

export type FleetServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type FleetSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
