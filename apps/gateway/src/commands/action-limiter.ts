import { Inject, Injectable } from '@nestjs/common';
import { TokenBucket } from '../core/token-bucket';
import type { GatewayTuning } from '../core/gateway-tuning';
import { GATEWAY_TUNING } from '../core/tokens';

/** Above this many users with a bucket, buckets idle long enough to be full again are forgotten. */
const SWEEP_ABOVE = 1_000;

/**
 * Container actions per user on this replica, whatever the socket or REST request they come
 * from: a token bucket each, so one user cannot flood agents or the audit trail.
 */
@Injectable()
export class ActionLimiter {
  private readonly buckets = new Map<string, { bucket: TokenBucket; usedAt: number }>();

  constructor(@Inject(GATEWAY_TUNING) private readonly tuning: GatewayTuning) {}

  /** Takes one action of `user`'s allowance; false when there is none left. */
  take(user: string): boolean {
    const now = Date.now();
    let entry = this.buckets.get(user);
    if (!entry) {
      if (this.buckets.size >= SWEEP_ABOVE) this.sweep(now);
      entry = {
        bucket: new TokenBucket(this.tuning.actionBurst, this.tuning.actionsPerSecond),
        usedAt: now,
      };
      this.buckets.set(user, entry);
    }
    entry.usedAt = now;
    return entry.bucket.take();
  }

  get users(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    const refillMs = (this.tuning.actionBurst / this.tuning.actionsPerSecond) * 1000;
    for (const [user, entry] of this.buckets) {
      if (now - entry.usedAt >= refillMs) this.buckets.delete(user);
    }
  }
}
