import { Inject, Injectable } from '@nestjs/common';
import { CRASH_LOOP_DEFAULTS, type ContainerExits, type ExitRecord } from '@flotilla/contracts';
import { timeOfStreamId, type Bus, type StreamEntry } from '@flotilla/bus';
import { canSee, canSeeHost } from '../auth/access-policy';
import type { Principal } from '../auth/principal';
import type { GatewayConfig } from '../config/gateway.config';
import { GatewayError } from '../core/gateway-error';
import { BUS, GATEWAY_CONFIG } from '../core/tokens';
import { ContainerResolver } from '../fleet/container-resolver.service';
import { crashLoopState, type CrashLoopRule } from './crash-loop';

/**
 * A container's exit records and whether it is crash-looping. The container is found as every
 * REST answer finds it (scoped); one removed and gone from its host's snapshot is found by its
 * records, scoped by the name and labels they carry, so out of scope answers as unknown does.
 */
@Injectable()
export class ExitHistoryService {
  private readonly rule: CrashLoopRule;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly resolver: ContainerResolver,
  ) {
    this.rule = config.crashLoop ?? CRASH_LOOP_DEFAULTS;
  }

  async exits(
    principal: Principal,
    hostId: string,
    ref: string,
    limit: number,
  ): Promise<ContainerExits> {
    const wanted = Math.max(limit, this.rule.exits);
    const entries = await this.find(principal, hostId, ref, wanted);
    const containerId = entries.containerId;
    const now = await this.bus.time();
    return {
      host_id: hostId,
      container_id: containerId,
      exits: entries.found.slice(0, limit).map((e) => ({
        ...e.value,
        id: e.id,
        recorded_at: new Date(timeOfStreamId(e.id)).toISOString(),
      })),
      crash_loop: crashLoopState(
        entries.found.map((e) => timeOfStreamId(e.id)),
        now,
        this.rule,
      ),
    };
  }

  private async find(
    principal: Principal,
    hostId: string,
    ref: string,
    count: number,
  ): Promise<{ containerId: string; found: StreamEntry<ExitRecord>[] }> {
    try {
      const { container_id: containerId } = await this.resolver.resolve(principal, ref, hostId);
      const found = await this.bus.exits.list(hostId, count, (r) => r.container_id === containerId);
      return { containerId, found };
    } catch (error: unknown) {
      if (!(error instanceof GatewayError) || error.code !== 'unknown_container') throw error;
    }
    const unknown = new GatewayError('unknown_container', `no container ${ref}`, ref);
    if (!canSeeHost(principal, hostId)) throw unknown;
    const found = await this.bus.exits.list(
      hostId,
      count,
      (r) => r.container_id.startsWith(ref) && canSee(principal, r),
    );
    const ids = new Set(found.map((e) => e.value.container_id));
    if (ids.size === 0) throw unknown;
    if (ids.size > 1)
      throw new GatewayError(
        'ambiguous_container',
        `${ref} matches ${ids.size} removed containers; give more digits`,
        ref,
      );
    return { containerId: found[0].value.container_id, found };
  }
}
