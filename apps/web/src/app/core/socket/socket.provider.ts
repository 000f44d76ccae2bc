import { type Provider, inject } from '@angular/core';
import { io } from 'socket.io-client';
import { WEB_CONFIG } from '../app-config';
import { FleetViewRequest } from './fleet-view-request';
import { FLOTILLA_SOCKET, type FlotillaSocket } from './socket.types';

/**
 * The real socket: websocket transport only, reconnecting forever with the original design's
 * 1 s → 5 s backoff and 60 s timeout, asking for the page's fleet view (`FleetViewRequest`). It connects when `SocketService` has attached its listeners.
 */
export function provideFlotillaSocket(): Provider {
  return {
    provide: FLOTILLA_SOCKET,
    useFactory: (): FlotillaSocket => {
      const config = inject(WEB_CONFIG);
      const view = inject(FleetViewRequest);
      const options = {
        // Read at every connect: a reconnection asks for the hosts open then.
        auth: (cb: (auth: object) => void) => cb({ view: view.view() }),
        path: config.socketPath,
        transports: ['websocket'],
        reconnection: true,
        reconnectionAttempts: Infinity,
        reconnectionDelay: config.reconnectionDelayMs,
        reconnectionDelayMax: config.reconnectionDelayMaxMs,
        timeout: config.connectTimeoutMs,
        autoConnect: false,
      };
      return config.socketUrl ? io(config.socketUrl, options) : io(options);
    },
  };
}
