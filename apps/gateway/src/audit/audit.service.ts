import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { RedisKeys, STREAM_CAPS, type AuditEvent } from '@flotilla/contracts';
import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../core/tokens';
import { IoServerRef } from '../socket/io-server.ref';

/** Room of every admin socket: audit records are pushed there live, on every replica. */
export const ADMIN_ROOM = 'role:admin';

export const AUDIT_LIMIT = { default: 100, max: 1_000 } as const;

/**
 * The audit trail: each record appended to the capped audit stream (in memory when standalone),
 * logged, and pushed to the admins' sockets on every replica through the adapter.
 */
@Injectable()
export class AuditService implements OnModuleDestroy {
  private readonly logger = new Logger('Audit');
  private readonly redis: Redis | undefined;
  private readonly memory: AuditEvent[] = [];
  private seq = 0;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly io: IoServerRef,
  ) {
    if (config.redisUrl) {
      this.redis = new Redis(config.redisUrl, {
        maxRetriesPerRequest: 2,
        connectionName: 'flotilla-audit',
      });
      this.redis.on('error', () => undefined);
    }
  }

  /** Records an event; never throws (a failed write is logged, the action is not undone). */
  async record(event: Omit<AuditEvent, 'at' | 'id'>): Promise<void> {
    const entry: AuditEvent = { ...event, at: new Date().toISOString() };
    this.logger.log(
      `${entry.user} ${entry.kind}${entry.host_id ? ` ${entry.host_id}/${(entry.container_id ?? '').slice(0, 12)}` : ''}: ${entry.error ?? 'ok'}`,
    );
    try {
      if (this.redis) {
        entry.id =
          (await this.redis.xadd(
            RedisKeys.audit,
            'MAXLEN',
            '~',
            STREAM_CAPS.audit,
            '*',
            'e',
            JSON.stringify(entry),
          )) ?? undefined;
      } else {
        entry.id = `${Date.now()}-${this.seq++}`;
        this.memory.push(entry);
        if (this.memory.length > STREAM_CAPS.audit)
          this.memory.splice(0, this.memory.length - STREAM_CAPS.audit);
      }
    } catch (error: unknown) {
      this.logger.error(
        `audit record not stored: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    this.io.get()?.to(ADMIN_ROOM).emit('audit_event', entry);
  }

  /** The newest `limit` records, newest first. */
  async list(limit: number): Promise<AuditEvent[]> {
    if (!this.redis) return this.memory.slice(-limit).reverse();
    const entries = await this.redis.xrevrange(RedisKeys.audit, '+', '-', 'COUNT', limit);
    const events: AuditEvent[] = [];
    for (const [id, fields] of entries) {
      try {
        events.push({ ...(JSON.parse(fields[1] ?? '') as AuditEvent), id });
      } catch {
        // An entry not written by this service: skipped.
      }
    }
    return events;
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
