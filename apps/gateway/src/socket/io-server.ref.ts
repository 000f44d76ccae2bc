import { Injectable } from '@nestjs/common';
import type { FleetServer } from './socket-types';

/** The replica's Socket.IO server, for services that act across replicas through the adapter. */
@Injectable()
export class IoServerRef {
  private server: FleetServer | undefined;

  attach(server: FleetServer): void {
    this.server = server;
  }

  get(): FleetServer | undefined {
    return this.server;
  }
}
