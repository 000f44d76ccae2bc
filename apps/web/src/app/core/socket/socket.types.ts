import { InjectionToken } from '@angular/core';
import type { Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  ErrorAck,
  ServerToClientEvents,
} from '@flotilla/contracts/core';

/** The tab's one Socket.IO connection, typed by the shared contract. */
export type FlotillaSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Provided by `provideFlotillaSocket()` in the app and by a fake in specs. */
export const FLOTILLA_SOCKET = new InjectionToken<FlotillaSocket>('FLOTILLA_SOCKET');

export type ServerEvent = keyof ServerToClientEvents;
export type ClientEvent = keyof ClientToServerEvents;
export type ServerPayload<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];
export type ClientPayload<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
export type AckOf<E extends ClientEvent> = Parameters<
  NonNullable<Parameters<ClientToServerEvents[E]>[1]>
>[0];

/** What the user sees of the connection. */
export type ConnectionState = 'connected' | 'reconnecting' | 'offline';

export function isErrorAck(ack: unknown): ack is ErrorAck {
  return (
    typeof ack === 'object' && ack !== null && (ack as { status?: unknown }).status === 'error'
  );
}

/** A request that got no usable answer: not connected, or no ack in time. */
export class RequestFailedError extends Error {
  constructor(
    message: string,
    readonly reason: 'offline' | 'timeout',
  ) {
    super(message);
    this.name = 'RequestFailedError';
  }
}
