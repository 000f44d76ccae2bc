import { Injectable } from '@nestjs/common';
import type { FleetSocket } from '../socket/socket-types';
import { PrincipalResolver } from './principal-resolver.service';
import { answerUnknownEvents } from './unknown-events';

/** Room every socket of a session joins, so logging out ends them on every replica. */
export const sessionRoom = (sid: string): string => `session:${sid}`;

/**
 * The handshake middleware (`io.use`): a socket without a principal is refused with
 * `connect_error` "unauthenticated" before it is connected, so it receives nothing. A session
 * socket joins its session's room and is disconnected when the session expires.
 */
@Injectable()
export class SocketAuthenticator {
  constructor(private readonly principals: PrincipalResolver) {}

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
          if (session) {
            void socket.join(sessionRoom(session.id));
            const timer = setTimeout(
              () => socket.disconnect(true),
              Math.max(0, session.expiresAt - Date.now()),
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
}
