import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  dockerTime,
  PIN_LIMITS,
  RedisKeys,
  type Container,
  type Pin,
  type PinLineOk,
  type PinLinePayload,
  type PinsPayload,
  type UnpinPayload,
} from '@flotilla/contracts';
import type { Bus } from '@flotilla/bus';
import { describeError } from '@flotilla/logging';
import { AuditService } from '../audit/audit.service';
import { canPin, canSee, type ContainerRef } from '../auth/access-policy';
import type { Principal } from '../auth/principal';
import { GatewayError } from '../core/gateway-error';
import { BUS } from '../core/tokens';
import { ContainerResolver } from '../fleet/container-resolver.service';
import { PresenceService } from '../presence/presence.service';
import type { ClientConnection } from '../socket/client-connection';
import { ClientOutbox } from '../socket/client-outbox.service';
import { ConnectionRegistry } from '../socket/connection-registry.service';
import { IoServerRef } from '../socket/io-server.ref';

type ContainerKey = { host_id: string; container_id: string };

/**
 * Pinned lines. Operators and admins pin and unpin lines of the containers they may see (audited);
 * everyone who may see a container reads its pins. A change crosses replicas through the adapter
 * (`serverSideEmit`, as audit records and action records do), carrying only which container
 * changed: each replica with a viewer of it reads the pins back from the bus and sends them whole,
 * so messages arriving in any order still end on the stored state.
 */
@Injectable()
export class PinService {
  private readonly logger = new Logger(PinService.name);
  /** Containers whose pins are being read for local viewers, and whether to read again after. */
  private readonly refreshing = new Map<string, { again: boolean }>();

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly resolver: ContainerResolver,
    private readonly audit: AuditService,
    private readonly presence: PresenceService,
    private readonly io: IoServerRef,
    private readonly registry: ConnectionRegistry,
    private readonly outbox: ClientOutbox,
  ) {}

  async pin(principal: Principal, payload: PinLinePayload): Promise<PinLineOk> {
    const container = await this.pinnable(principal, 'pin', payload);
    const pin: Pin = {
      id: randomUUID(),
      host_id: container.host_id,
      container_id: container.container_id,
      // Docker's form (UTC, nine digits), so pins sort and permalinks compare as strings.
      ts: dockerTime(payload.ts) ?? payload.ts,
      ...(payload.line_no === undefined ? {} : { line_no: payload.line_no }),
      line: payload.line,
      note: payload.note,
      user: principal.user,
      created_at: new Date().toISOString(),
    };
    if (!(await this.bus.pins.add(pin, PIN_LIMITS.perContainer)))
      throw new GatewayError(
        'invalid_payload',
        `a container keeps at most ${PIN_LIMITS.perContainer} pins: unpin one first`,
        container.container_id,
      );
    await this.audit.record({ ...this.auditOf(principal, 'pin', container), pin_id: pin.id });
    this.changed(container);
    return { status: 'ok', pin };
  }

  async unpin(principal: Principal, payload: UnpinPayload): Promise<{ status: 'ok' }> {
    const container = await this.pinnable(principal, 'unpin', payload);
    const { host_id, container_id } = container;
    if (!(await this.bus.pins.remove(host_id, container_id, payload.pin_id)))
      throw new GatewayError(
        'invalid_payload',
        `container has no pin ${payload.pin_id}`,
        container_id,
      );
    await this.audit.record({
      ...this.auditOf(principal, 'unpin', container),
      pin_id: payload.pin_id,
    });
    this.changed(container);
    return { status: 'ok' };
  }

  /** The pins of a container the principal may see; out of scope answers as unknown. */
  async list(principal: Principal, hostId: string, ref: string): Promise<PinsPayload> {
    const { host_id, container_id } = await this.resolver.resolve(principal, ref, hostId);
    return { host_id, container_id, pins: await this.bus.pins.list(host_id, container_id) };
  }

  /** A change on this or another replica: this replica's viewers of the container hear of it. */
  refresh(ref: ContainerKey): void {
    const key = `${ref.host_id}/${ref.container_id}`;
    const running = this.refreshing.get(key);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: true };
    this.refreshing.set(key, state);
    // One read at a time per container, the last after the last change: never an older list last.
    void (async () => {
      while (state.again) {
        state.again = false;
        await this.deliver(ref).catch((error: unknown) => {
          this.logger.warn(`reading the pins of ${key} failed: ${describeError(error)}`);
        });
      }
      this.refreshing.delete(key);
    })();
  }

  /** The container, resolved in the principal's scope; a viewer is refused and audited. */
  private async pinnable(
    principal: Principal,
    kind: 'pin' | 'unpin',
    payload: { host_id: string; container_id: string },
  ): Promise<Container> {
    const container = await this.resolver.resolve(principal, payload.container_id, payload.host_id);
    if (!canPin(principal, container)) {
      this.audit.refused({
        ...this.auditOf(principal, kind, container),
        ok: false,
        error: 'forbidden',
      });
      throw new GatewayError('forbidden', `you may not ${kind} lines`, container.container_id);
    }
    return container;
  }

  private auditOf(principal: Principal, kind: 'pin' | 'unpin', container: Container) {
    return {
      kind,
      user: principal.user,
      ok: true,
      error: null,
      host_id: container.host_id,
      container_id: container.container_id,
      container_name: container.name,
    };
  }

  private changed(ref: ContainerKey): void {
    const { host_id, container_id } = ref;
    try {
      this.io.get()?.serverSideEmit('pins_changed', { host_id, container_id });
    } catch (error: unknown) {
      this.logger.warn(`sharing a pin change failed: ${describeError(error)}`);
    }
    this.refresh({ host_id, container_id });
  }

  private async deliver(ref: ContainerKey): Promise<void> {
    const viewers = [...this.registry.all()].filter((c) => this.views(c, ref));
    if (viewers.length === 0) return;
    const [pins, container] = await Promise.all([
      this.bus.pins.list(ref.host_id, ref.container_id),
      this.bus.snapshots.get(ref.host_id, ref.container_id),
    ]);
    // Scope is judged again at each push (a role or scope may have changed since the watch).
    const scoped: ContainerRef = container ?? ref;
    const payload: PinsPayload = { ...ref, pins };
    for (const connection of viewers) {
      if (!connection.closed && canSee(connection.principal, scoped))
        this.outbox.send(connection, 'pins', payload);
    }
  }

  /** A socket views a container when its page watches it or it follows the container's log. */
  private views(connection: ClientConnection, ref: ContainerKey): boolean {
    return (
      connection.streamKeys.logs.has(RedisKeys.logs(ref.host_id, ref.container_id)) ||
      this.presence.watches(connection, ref.host_id, ref.container_id)
    );
  }
}
