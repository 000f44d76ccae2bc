import { Injectable } from '@nestjs/common';
import type { ClientSession } from './client-session';

/** The sockets connected to this replica. */
@Injectable()
export class SessionRegistry {
  private readonly sessions = new Map<string, ClientSession>();

  add(session: ClientSession): void {
    this.sessions.set(session.id, session);
  }

  remove(id: string): ClientSession | undefined {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    return session;
  }

  get(id: string): ClientSession | undefined {
    return this.sessions.get(id);
  }

  all(): IterableIterator<ClientSession> {
    return this.sessions.values();
  }

  get size(): number {
    return this.sessions.size;
  }
}
