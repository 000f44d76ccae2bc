import type { Container } from '@flotilla/contracts/core';
import type { Provider } from '@angular/core';
import { FLOTILLA_SOCKET } from '../app/core/socket/socket.types';

type Listener = (...args: unknown[]) => void;

export interface Emitted {
  event: string;
  payload: unknown;
  ack: ((response: unknown) => void) | undefined;
}

/**
 * A stand-in for the Socket.IO client socket: records what the app emits, lets a spec play the
 * server (connect, disconnect, send events, answer acks). Anything the app calls that is not
 * here fails the spec, as it should.
 */
export class FakeSocket {
  connected = false;
  active = true;
  connectCalls = 0;
  disconnectCalls = 0;
  readonly emitted: Emitted[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();

  on(event: string, listener: Listener): this {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return this;
  }

  off(event: string, listener: Listener): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }

  emit(event: string, payload: unknown, ack?: (response: unknown) => void): this {
    this.emitted.push({ event, payload, ack });
    return this;
  }

  connect(): this {
    this.connectCalls++;
    return this;
  }

  disconnect(): this {
    this.disconnectCalls++;
    this.connected = false;
    return this;
  }

  // The server's side.

  serverConnect(): void {
    this.connected = true;
    this.fire('connect');
  }

  serverDisconnect(reason = 'transport close'): void {
    this.connected = false;
    this.fire('disconnect', reason);
  }

  serverSend(event: string, payload: unknown): void {
    this.fire(event, payload);
  }

  /** The `initial_state` a connection gets: these containers, nothing else. */
  serverFleet(containers: readonly Container[]): void {
    this.fire('initial_state', { containers, hosts: [], position: {} });
  }

  listenerCount(event: string): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  /** What was emitted under `event`, oldest first. */
  sent(event: string): Emitted[] {
    return this.emitted.filter((e) => e.event === event);
  }

  /** Answers every unanswered `event` request with `response` (or its result, if a function of the payload). */
  ackAll(event: string, response: unknown): void {
    for (const e of this.sent(event)) {
      const ack = e.ack;
      if (!ack) continue;
      e.ack = undefined;
      ack(
        typeof response === 'function'
          ? (response as (p: unknown) => unknown)(e.payload)
          : response,
      );
    }
  }

  private fire(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(...args);
  }
}

export function provideFakeSocket(socket: FakeSocket): Provider {
  return { provide: FLOTILLA_SOCKET, useValue: socket };
}
