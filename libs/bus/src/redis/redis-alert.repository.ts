import { RedisKeys, STREAM_CAPS, type AlertFiring, type AlertRule } from '@flotilla/contracts';
import { decodeFirings, decodeRules, encodeFiring } from '../common/alert-records';
import type { AlertRepository } from '../ports';
import type { RedisClient } from './connections';
import { capped, toRawEntries } from './replies';

export class RedisAlertRepository implements AlertRepository {
  constructor(private readonly redis: RedisClient) {}

  async rules(): Promise<AlertRule[]> {
    return decodeRules(await this.redis.hgetall(RedisKeys.alertRules));
  }

  async putRule(rule: AlertRule): Promise<void> {
    await this.redis.hset(RedisKeys.alertRules, rule.id, JSON.stringify(rule));
  }

  async deleteRule(id: string): Promise<boolean> {
    return (await this.redis.hdel(RedisKeys.alertRules, id)) === 1;
  }

  claimFiring(ruleId: string, hostId: string, eventId: string, ttlMs: number): Promise<boolean> {
    return this.setOnce(RedisKeys.alertClaim(ruleId, hostId, eventId), ttlMs);
  }

  startCooldown(ruleId: string, subject: string, ttlMs: number): Promise<boolean> {
    return this.setOnce(RedisKeys.alertCooldown(ruleId, subject), ttlMs);
  }

  async appendFiring(firing: AlertFiring): Promise<string> {
    const fields = Object.entries(encodeFiring(firing)).flat();
    const id = await this.redis.xadd(
      RedisKeys.alertFirings,
      ...capped(STREAM_CAPS.alertFirings),
      '*',
      ...fields,
    );
    if (id === null) throw new Error('XADD to the alert firings stream returned no id');
    return id;
  }

  async firings(limit: number): Promise<AlertFiring[]> {
    return decodeFirings(
      toRawEntries(await this.redis.xrevrange(RedisKeys.alertFirings, '+', '-', 'COUNT', limit)),
    );
  }

  private async setOnce(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(key, '1', 'PX', Math.max(1, ttlMs), 'NX')) === 'OK';
  }
}
