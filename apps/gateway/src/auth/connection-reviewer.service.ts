import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../core/tokens';
import { ClientOutbox } from '../socket/client-outbox.service';
import type { ClientConnection } from '../socket/client-connection';
import { ConnectionRegistry } from '../socket/connection-registry.service';
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
export class ConnectionReviewer implements OnModuleInit {
  private readonly logger = new Logger(ConnectionReviewer.name);

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly users: UserDirectory,
    private readonly registry: ConnectionRegistry,
    private readonly outbox: ClientOutbox,
  ) {}

  onModuleInit(): void {
    if (this.config.authMode === 'users') this.users.onChange(() => this.reviewAll());
  }

  reviewAll(): void {
    for (const connection of [...this.registry.all()]) this.review(connection);
  }

  private review(connection: ClientConnection): void {
    const current = connection.principal;
    if (!current.session || connection.closed) return;
    const record = this.users.get(current.user);
    if (!record) {
      this.end(connection, 'your account no longer exists', 'unauthenticated');
      return;
    }
    const next = principalOf(record, current.session);
    if (!sameView(current, next)) {
      this.end(connection, 'your access changed; reconnecting with the new scopes', 'forbidden');
      return;
    }
    if (next.roles.join() === current.roles.join()) return;
    connection.principal = next;
    connection.socket.data.principal = next;
    this.logger.log(
      `${next.user}: role ${current.roles.join()} → ${next.roles.join()} on ${connection.id}`,
    );
  }

  private end(
    connection: ClientConnection,
    message: string,
    code: 'unauthenticated' | 'forbidden',
  ): void {
    this.logger.log(
      `${connection.principal.user}: ${message}; socket ${connection.id} disconnected`,
    );
    this.outbox.send(connection, 'error', { error: message, code });
    connection.socket.disconnect(true);
  }
}

/** Do both principals see exactly the same hosts and containers? */
function sameView(a: Principal, b: Principal): boolean {
  return (
    JSON.stringify([a.scopes, a.containers ?? null]) ===
    JSON.stringify([b.scopes, b.containers ?? null])
  );
}
