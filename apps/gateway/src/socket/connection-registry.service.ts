import { Injectable } from '@nestjs/common';
import type { ClientConnection } from './client-connection';

/** The sockets connected to this replica. */
@Injectable()
export class ConnectionRegistry {
  private readonly connections = new Map<string, ClientConnection>();

  add(connection: ClientConnection): void {
    this.connections.set(connection.id, connection);
  }

  remove(id: string): ClientConnection | undefined {
    const connection = this.connections.get(id);
    this.connections.delete(id);
    return connection;
  }

  get(id: string): ClientConnection | undefined {
    return this.connections.get(id);
  }

  all(): IterableIterator<ClientConnection> {
    return this.connections.values();
  }

  get size(): number {
    return this.connections.size;
  }
}
