import { RedisKeys, STREAM_CAPS, type AlertFiring, type AlertRule } from '@flotilla/contracts';
import { decodeFirings, decodeRules, encodeFiring } from '../common/alert-records';
import type { AlertRepository } from '../ports';
import type { MemoryStore } from './memory-store';
import { rawEntries } from './raw-entries';
import { settle } from './settle';

export class MemoryAlertRepository implements AlertRepository {
  constructor(private readonly store: MemoryStore) {}

  rules(): Promise<AlertRule[]> {
    return settle(() => {
      this.store.check();
      return decodeRules(Object.fromEntries(this.store.hashes.get(RedisKeys.alertRules) ?? []));
    });
  }

  putRule(rule: AlertRule): Promise<void> {
    return settle(
      () => void this.store.hash(RedisKeys.alertRules).set(rule.id, JSON.stringify(rule)),
    );
  }

  deleteRule(id: string): Promise<boolean> {
    return settle(() => {
      this.store.check();
      return this.store.hashes.get(RedisKeys.alertRules)?.delete(id) ?? false;
    });
  }

  claimFiring(ruleId: string, hostId: string, eventId: string, ttlMs: number): Promise<boolean> {
    return settle(() => this.setOnce(RedisKeys.alertClaim(ruleId, hostId, eventId), ttlMs));
  }

  startCooldown(ruleId: string, subject: string, ttlMs: number): Promise<boolean> {
    return settle(() => this.setOnce(RedisKeys.alertCooldown(ruleId, subject), ttlMs));
  }

  appendFiring(firing: AlertFiring): Promise<string> {
    return settle(() =>
      this.store.xadd(RedisKeys.alertFirings, '*', encodeFiring(firing), STREAM_CAPS.alertFirings),
    );
  }

  firings(limit: number): Promise<AlertFiring[]> {
    return settle(() =>
      decodeFirings(
        rawEntries(this.store.stream(RedisKeys.alertFirings)?.revRange(null, limit) ?? []),
      ),
    );
  }

  /** SET NX PX: one synchronous step, as atomic here as the command is in Redis. */
  private setOnce(key: string, ttlMs: number): boolean {
    if (this.store.get(key) !== null) return false;
    this.store.set(key, '1', ttlMs);
    return true;
  }
}
