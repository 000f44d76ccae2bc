import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ContainerAction, ContainerActionPayload, CommandRequest } from '@flotilla/contracts';
import type { Bus } from '@flotilla/bus';
import { AuditService } from '../audit/audit.service';
import { canDo } from '../auth/access-policy';
import type { Principal } from '../auth/principal';
import { GatewayError } from '../core/gateway-error';
import type { GatewayTuning } from '../core/gateway-tuning';
import { BUS, GATEWAY_TUNING } from '../core/tokens';
import { ContainerResolver } from '../fleet/container-resolver.service';
import { ActionFeed } from './action-feed.service';
import { ActionLimiter } from './action-limiter';

export interface ActionRequest {
  host_id: string;
  /** Full id or 12+ digit prefix. */
  container_id: string;
  action: ContainerAction;
}

export interface ActionResult {
  action: ContainerAction;
  unchanged: boolean;
  container_id: string;
  host_id: string;
}

/**
 * Container actions, from a socket or from REST alike: rate limit per user, authorise, send a `CommandRequest` to the
 * host's agent, await its reply (or time out), and publish who did what to every viewer.
 */
@Injectable()
export class ContainerActionService {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly audit: AuditService,
    private readonly resolver: ContainerResolver,
    private readonly feed: ActionFeed,
    private readonly limiter: ActionLimiter,
    @Inject(GATEWAY_TUNING) private readonly tuning: GatewayTuning,
  ) {}

  async run(principal: Principal, request: ActionRequest): Promise<ActionResult> {
    // Before anything is read: a flood of actions costs neither Redis nor the audit trail.
    if (!this.limiter.take(principal.user)) {
      this.audit.refused({
        kind: request.action,
        user: principal.user,
        ok: false,
        error: 'rate_limited',
      });
      throw new GatewayError(
        'rate_limited',
        'too many container actions; try again in a moment',
        request.container_id,
      );
    }
    const container = await this.resolver.resolve(principal, request.container_id, request.host_id);
    if (!canDo(principal, request.action, container)) {
      const { host_id, container_id } = container;
      this.audit.refused({
        kind: request.action,
        user: principal.user,
        ok: false,
        error: 'forbidden',
        host_id,
        container_id,
        container_name: container.name,
      });
      throw new GatewayError(
        'forbidden',
        `you may not ${request.action} containers`,
        container.container_id,
      );
    }
    const host = await this.bus.hosts.get(container.host_id);
    if (!host?.online) {
      throw new GatewayError(
        'host_offline',
        `host ${container.host_id} is offline`,
        container.container_id,
      );
    }
    const command: CommandRequest = {
      v: 1,
      request_id: randomUUID(),
      host_id: container.host_id,
      container_id: container.container_id,
      action: request.action,
      requested_by: principal.user.slice(0, 128),
      // On the bus's clock, which the agent reads too: its own clock may be off.
      expires_at: (await this.bus.time()) + this.tuning.commandTimeoutMs,
    };
    const position = await this.bus.commands.send(command);
    const reply = await this.bus.commands.awaitReply(
      command.host_id,
      command.request_id,
      this.tuning.commandTimeoutMs,
      position,
    );
    const error =
      reply === null
        ? 'the agent did not answer in time'
        : reply.ok
          ? null
          : (reply.error ?? 'the agent could not do it');
    const record: ContainerActionPayload = {
      host_id: command.host_id,
      container_id: command.container_id,
      action: command.action,
      user: principal.user,
      at: new Date().toISOString(),
      ok: error === null,
      error,
    };
    this.feed.publish(record);
    const { host_id, container_id } = record;
    await this.audit.record({
      kind: record.action,
      user: record.user,
      ok: record.ok,
      error,
      host_id,
      container_id,
      container_name: container.name,
    });
    if (error !== null) {
      const code = reply?.code === 'not_found' ? 'unknown_container' : 'command_failed';
      throw new GatewayError(code, `${request.action} failed: ${error}`, command.container_id);
    }
    return {
      action: command.action,
      unchanged: reply?.unchanged ?? false,
      container_id: command.container_id,
      host_id: command.host_id,
    };
  }
}
