import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Bus } from '@flotilla/bus';
import type { ContainerActionPayload } from '@flotilla/contracts';
import { canSee, type ContainerRef } from '../auth/access-policy';
import { BUS } from '../core/tokens';
import { ClientOutbox } from '../socket/client-outbox.service';
import { IoServerRef } from '../socket/io-server.ref';
import { ConnectionRegistry } from '../socket/connection-registry.service';
import { describeError } from '@flotilla/logging';

/**
 * Who did what: a `container_action` record reaches the viewers of the container on every
 * replica. It crosses replicas through the adapter (`serverSideEmit`), and each replica hands it
 * to its own sockets through `canSee`, like every other fan-out.
 */
@Injectable()
export class ActionFeed {
  private readonly logger = new Logger(ActionFeed.name);

  constructor(
    private readonly io: IoServerRef,
    private readonly registry: ConnectionRegistry,
    private readonly outbox: ClientOutbox,
    @Inject(BUS) private readonly bus: Bus,
  ) {}

  publish(record: ContainerActionPayload): void {
    try {
      this.io.get()?.serverSideEmit('container_action', record);
    } catch (error: unknown) {
      this.logger.warn(`sharing an action record failed: ${describeError(error)}`);
    }
    this.receive(record);
  }

  /** A record from this or another replica: to the local sockets that may see it. */
  receive(record: ContainerActionPayload): void {
    // Container scopes and project filters match names and labels, which the record does not
    // carry: look them up.
    const needsLabels = [...this.registry.all()].some(
      (s) => s.ready && (s.principal.containers !== undefined || s.filter.namesProjects),
    );
    if (!needsLabels) return this.deliver(record, record);
    this.bus.snapshots.get(record.host_id, record.container_id).then(
      (container) => this.deliver(record, container ?? record),
      (error: unknown) => {
        this.logger.warn(
          `reading container ${record.container_id} for an action record failed: ${String(error)}`,
        );
        this.deliver(record, record);
      },
    );
  }

  private deliver(record: ContainerActionPayload, ref: ContainerRef): void {
    for (const connection of this.registry.all()) {
      if (!connection.ready || !canSee(connection.principal, ref)) continue;
      if (!connection.filter.passesContainer(ref)) continue;
      this.outbox.send(connection, 'container_action', record);
    }
  }
}
