import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../core/tokens';
import { ClientOutbox } from '../socket/client-outbox.service';
import type { ClientSession } from '../socket/client-session';
import { SessionRegistry } from '../socket/session-registry.service';
import type { Principal } from './principal';
import { UserDirectory } from './user-directory.service';
import { principalOf } from './users-file';

/**
 * Re-evaluates this replica's open sockets whenever the users file changes (every replica
 * watches the file, so each reviews its own sockets within about a second):
 * - a user no longer in the file: their sockets are disconnected;
 * - what the user may see changed (host or container scopes): their sockets are disconnected
 *   with a notice, and the client reconnects to a fresh `initial_state` under the new scopes
 *   (nothing it was sent under the old ones keeps streaming);
 * - only the role changed: the new principal replaces the old one on the open socket, so the
 *   next action is checked against it (audit records follow the principal too).
 */
@Injectable()
export class SessionReviewer implements OnModuleInit {
  private readonly logger = new Logger(SessionReviewer.name);

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly users: UserDirectory,
    private readonly registry: SessionRegistry,
    private readonly outbox: ClientOutbox,
  ) {}

  onModuleInit(): void {
    if (this.config.authMode === 'users') this.users.onChange(() => this.reviewAll());
  }

  reviewAll(): void {
    for (const session of [...this.registry.all()]) this.review(session);
  }

  private review(session: ClientSession): void {
    const current = session.principal;
    if (!current.session || session.closed) return;
    const record = this.users.get(current.user);
    if (!record) {
      this.end(session, 'your account no longer exists', 'unauthenticated');
      return;
    }
    const next = principalOf(record, current.session);
    if (!sameView(current, next)) {
      this.end(session, 'your access changed; reconnecting with the new scopes', 'forbidden');
      return;
    }
    if (next.roles.join() === current.roles.join()) return;
    session.principal = next;
    session.socket.data.principal = next;
    this.logger.log(
      `${next.user}: role ${current.roles.join()} → ${next.roles.join()} on ${session.id}`,
    );
  }

  private end(
    session: ClientSession,
    message: string,
    code: 'unauthenticated' | 'forbidden',
  ): void {
    this.logger.log(`${session.principal.user}: ${message}; socket ${session.id} disconnected`);
    this.outbox.send(session, 'error', { error: message, code });
    session.socket.disconnect(true);
  }
}

/** Do both principals see exactly the same hosts and containers? */
function sameView(a: Principal, b: Principal): boolean {
  return (
    JSON.stringify([a.scopes, a.containers ?? null]) ===
    JSON.stringify([b.scopes, b.containers ?? null])
  );
}
