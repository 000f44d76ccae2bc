import { Injectable } from '@nestjs/common';
import type { SubscriptionFilter } from '../fleet/subscription-filter';
import type { ClientConnection } from './client-connection';

/**
 * The sockets connected to this replica, and per host the sockets whose filter may pass its
 * containers: a change then visits its possible viewers, not every socket of the replica.
 */
@Injectable()
export class ConnectionRegistry {
  private readonly connections = new Map<string, ClientConnection>();
  /** Sockets whose filter may pass a container of any host. */
  private readonly anyHost = new Set<ClientConnection>();
  /** Per host, the other sockets whose filter names it. */
  private readonly byHost = new Map<string, Set<ClientConnection>>();

  add(connection: ClientConnection): void {
    this.connections.set(connection.id, connection);
    this.file(connection);
  }

  remove(id: string): ClientConnection | undefined {
    const connection = this.connections.get(id);
    this.connections.delete(id);
    if (connection) this.unfile(connection);
    return connection;
  }

  /** Replaces a socket's filter (every change of filter goes through here, to keep the index). */
  setFilter(connection: ClientConnection, filter: SubscriptionFilter): void {
    const registered = this.connections.get(connection.id) === connection;
    if (registered) this.unfile(connection);
    connection.filter = filter;
    if (registered) this.file(connection);
  }

  get(id: string): ClientConnection | undefined {
    return this.connections.get(id);
  }

  all(): IterableIterator<ClientConnection> {
    return this.connections.values();
  }

  /** The sockets whose filter may pass a container of this host (each once). */
  *mayShowContainersOf(hostId: string): Generator<ClientConnection> {
    yield* this.anyHost;
    const named = this.byHost.get(hostId);
    if (named) yield* named;
  }

  get size(): number {
    return this.connections.size;
  }

  private file(connection: ClientConnection): void {
    const hosts = connection.filter.containerHosts;
    if (hosts === undefined) {
      this.anyHost.add(connection);
      return;
    }
    for (const hostId of hosts) {
      let set = this.byHost.get(hostId);
      if (!set) this.byHost.set(hostId, (set = new Set()));
      set.add(connection);
    }
  }

  private unfile(connection: ClientConnection): void {
    this.anyHost.delete(connection);
    for (const hostId of connection.filter.containerHosts ?? []) {
      const set = this.byHost.get(hostId);
      set?.delete(connection);
      if (set?.size === 0) this.byHost.delete(hostId);
    }
  }
}
