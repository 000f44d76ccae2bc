import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../core/tokens';
import type { FleetSocket } from '../socket/socket-types';
import { PrincipalResolver } from './principal-resolver.service';
import type { Principal } from './principal';
import { answerUnknownEvents } from './unknown-events';

/** Room every socket of a session joins, so logging out ends them on every replica. */
export const sessionRoom = (sid: string): string => `session:${sid}`;

/**
 * The handshake middleware (`io.use`): a socket without a principal is refused with
 * `connect_error` "unauthenticated" before it is connected, so it receives nothing. A session
 * socket joins its session's room and is disconnected when the session expires; a proxy-mode
 * socket after `SESSION_TTL`, so that it authenticates through the proxy again (the proxy's
 * headers are read only at the handshake).
 */
@Injectable()
export class SocketAuthenticator {
  constructor(
    private readonly principals: PrincipalResolver,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  middleware(): (socket: FleetSocket, next: (error?: Error) => void) => void {
    return (socket, next) => {
      this.principals.resolve(socket.request).then(
        (principal) => {
          if (!principal) {
            next(new Error('unauthenticated'));
            return;
          }
          socket.data.principal = principal;
          const session = principal.session;
          if (session) void socket.join(sessionRoom(session.id));
          const deadline = this.deadlineOf(principal);
          if (deadline !== undefined) {
            const timer = setTimeout(
              () => socket.disconnect(true),
              Math.max(0, deadline - Date.now()),
            );
            timer.unref();
            socket.once('disconnect', () => clearTimeout(timer));
          }
          answerUnknownEvents(socket);
          next();
        },
        () => next(new Error('unauthenticated')),
      );
    };
  }

  /** When a socket of `principal` must authenticate again; undefined: never (none mode). */
  private deadlineOf(principal: Principal): number | undefined {
    if (principal.session) return principal.session.expiresAt;
    if (this.config.authMode === 'proxy')
      return Date.now() + (this.config.sessionTtlMs ?? 3_600_000);
    return undefined;
  }
}
