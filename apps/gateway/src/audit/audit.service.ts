import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Bus } from '@flotilla/bus';
import type { AuditEvent } from '@flotilla/contracts';
import type { Principal } from '../auth/principal';
import type { GatewayTuning } from '../core/gateway-tuning';
import { BUS, GATEWAY_TUNING } from '../core/tokens';
import { ClientOutbox } from '../socket/client-outbox.service';
import { IoServerRef } from '../socket/io-server.ref';
import { ConnectionRegistry } from '../socket/connection-registry.service';
import { canSeeAudit } from './audit-visibility';
import { describeError } from '@flotilla/logging';

export const AUDIT_LIMIT = { default: 100, max: 1_000 } as const;

/** Coalescing windows open at once above which all are written out early. */
const MAX_WINDOWS = 10_000;

type NewAuditEvent = Omit<AuditEvent, 'at' | 'id'>;

/** Refusals of one user, action, reason and container seen since the last record of them. */
interface RefusalWindow {
  event: NewAuditEvent;
  count: number;
  since: string;
}

/**
 * The audit trail: each record appended to the bus's capped audit stream,
 * logged, and pushed live to the admins who may see it on every replica (through the adapter,
 * then `canSeeAudit` per socket). Repeated refusals are coalesced, so a flood of refused actions
 * neither pushes real history out of the capped stream nor floods the admins.
 */
@Injectable()
export class AuditService implements OnModuleDestroy {
  private readonly logger = new Logger('Audit');
  private readonly windows = new Map<string, RefusalWindow>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(GATEWAY_TUNING) private readonly tuning: GatewayTuning,
    private readonly io: IoServerRef,
    private readonly registry: ConnectionRegistry,
    private readonly outbox: ClientOutbox,
  ) {}

  /** Records an event; never throws (a failed write is logged, the action is not undone). */
  async record(event: NewAuditEvent, at = new Date().toISOString()): Promise<void> {
    const entry: AuditEvent = { ...event, at };
    this.logger.log(
      `${entry.user} ${entry.kind}${entry.host_id ? ` ${entry.host_id}/${(entry.container_id ?? '').slice(0, 12)}` : ''}: ${entry.error ?? 'ok'}${entry.count ? ` ×${entry.count}` : ''}`,
    );
    try {
      entry.id = await this.bus.audit.append(entry);
    } catch (error: unknown) {
      this.logger.error(`audit record not stored: ${describeError(error)}`);
    }
    try {
      this.io.get()?.serverSideEmit('audit_event', entry);
    } catch (error: unknown) {
      this.logger.warn(`sharing an audit record failed: ${describeError(error)}`);
    }
    this.receive(entry);
  }

  /**
   * A refused action. The first of a kind (user, action, reason, container) is recorded at once;
   * repeats are counted and recorded together, one record per window, while they go on.
   */
  refused(event: NewAuditEvent & { ok: false }): void {
    const key = JSON.stringify([
      event.user,
      event.kind,
      event.error,
      event.host_id,
      event.container_id,
    ]);
    const window = this.windows.get(key);
    if (window) {
      if (window.count === 0) window.since = new Date().toISOString();
      window.count++;
      return;
    }
    if (this.windows.size >= MAX_WINDOWS) this.flush();
    this.windows.set(key, { event, count: 0, since: '' });
    this.flushTimer ??= setInterval(() => this.flush(), this.tuning.auditCoalesceMs);
    void this.record(event);
  }

  /** A record from this or another replica: to the local admin sockets that may see it. */
  receive(record: AuditEvent): void {
    for (const connection of this.registry.all()) {
      if (canSeeAudit(connection.principal, record))
        this.outbox.send(connection, 'audit_event', record);
    }
  }

  /** The newest `limit` records `principal` may see, newest first. */
  list(principal: Principal, limit: number): Promise<AuditEvent[]> {
    return this.bus.audit.list(limit, (record) => canSeeAudit(principal, record));
  }

  onModuleDestroy(): void {
    this.flush();
    this.windows.clear();
    clearInterval(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** Records the repeats counted in each window; windows with none are closed. */
  private flush(): void {
    const at = new Date().toISOString();
    for (const [key, window] of this.windows) {
      if (window.count === 0) {
        this.windows.delete(key);
        continue;
      }
      void this.record({ ...window.event, count: window.count, since: window.since }, at);
      window.count = 0;
    }
    if (this.windows.size === 0 && this.flushTimer) {
      clearInterval(this.flushTimer);
      this.flushTimer = undefined;
    }
  }
}
