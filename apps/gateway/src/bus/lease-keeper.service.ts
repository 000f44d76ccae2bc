import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Bus, LeaseKind } from '@flotilla/bus';
import { BUS, GATEWAY_TUNING, REPLICA_ID } from '../core/tokens';
import type { GatewayTuning } from '../core/gateway-tuning';
import { describeError } from '@flotilla/logging';

interface Lease {
  kind: LeaseKind;
  hostId: string;
  containerId: string;
  wanted: boolean;
  /** Operations on one lease run one after another, so a release never overtakes an acquire. */
  chain: Promise<void>;
}

/**
 * The replica's leases: one per container whose logs (or stats) have viewers here, held under
 * the replica's id, renewed every `leaseRenewMs` while wanted, released when the last local
 * viewer leaves. A replica that dies simply stops renewing; its leases expire.
 */
@Injectable()
export class LeaseKeeper implements OnModuleDestroy {
  private readonly logger = new Logger(LeaseKeeper.name);
  private readonly leases = new Map<string, Lease>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(REPLICA_ID) private readonly holder: string,
    @Inject(GATEWAY_TUNING) private readonly tuning: GatewayTuning,
  ) {}

  hold(kind: LeaseKind, hostId: string, containerId: string): void {
    if (this.stopped) return;
    const key = `${kind}|${hostId}|${containerId}`;
    let lease = this.leases.get(key);
    if (!lease) {
      lease = { kind, hostId, containerId, wanted: true, chain: Promise.resolve() };
      this.leases.set(key, lease);
    }
    lease.wanted = true;
    this.sync(key, lease);
    this.timer ??= setInterval(() => this.renewAll(), this.tuning.leaseRenewMs);
  }

  drop(kind: LeaseKind, hostId: string, containerId: string): void {
    if (this.stopped) return;
    const key = `${kind}|${hostId}|${containerId}`;
    const lease = this.leases.get(key);
    if (!lease) return;
    lease.wanted = false;
    this.sync(key, lease);
  }

  /** `kind|host|container` of every lease currently wanted. */
  held(): string[] {
    return [...this.leases.entries()].filter(([, l]) => l.wanted).map(([key]) => key);
  }

  /** Releases every lease (orderly shutdown). */
  async releaseAll(): Promise<void> {
    this.stopTimer();
    for (const [key, lease] of this.leases) {
      lease.wanted = false;
      this.sync(key, lease);
    }
    await Promise.all([...this.leases.values()].map((l) => l.chain));
    this.stopped = true;
  }

  /** Stops renewing without releasing: what a crash looks like to the fleet. */
  abandon(): void {
    this.stopped = true;
    this.stopTimer();
    this.leases.clear();
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.stopped) await this.releaseAll();
  }

  private renewAll(): void {
    for (const [key, lease] of this.leases) if (lease.wanted) this.sync(key, lease);
  }

  private sync(key: string, lease: Lease): void {
    lease.chain = lease.chain.then(async () => {
      if (this.stopped) return;
      try {
        if (lease.wanted) {
          await this.bus.leases.acquire(
            lease.kind,
            lease.hostId,
            lease.containerId,
            this.holder,
            this.tuning.leaseTtlMs,
          );
        } else {
          await this.bus.leases.release(lease.kind, lease.hostId, lease.containerId, this.holder);
          if (!lease.wanted && this.leases.get(key) === lease) this.leases.delete(key);
          if (this.leases.size === 0) this.stopTimer();
        }
      } catch (error: unknown) {
        // The next renewal (or the lease's expiry) repairs it.
        this.logger.warn(
          `lease ${key} ${lease.wanted ? 'renewal' : 'release'} failed: ${describeError(error)}`,
        );
      }
    });
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
