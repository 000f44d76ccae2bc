import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { AlertFiring, AlertRule } from '@flotilla/contracts';
import type { Bus } from '@flotilla/bus';
import { describeError } from '@flotilla/logging';
import { BUS, GATEWAY_TUNING } from '../core/tokens';
import type { GatewayTuning } from '../core/gateway-tuning';
import { HostDirectory } from '../fleet/host-directory.service';
import { alertPayload, cooldownSubject, ruleFires } from './alert-firing';
import { AlertTriggers, type Occurrence } from './alert-triggers';
import { postWebhook } from './webhook-sender';

/** A claim outlives any replica that could still be reading the same event: one day. */
const CLAIM_TTL_MS = 86_400_000;

/**
 * Evaluates the alert rules on every host event this replica follows and delivers what fires.
 * Every replica sees every event, so each firing (rule + host + event id) is claimed on the bus
 * first: exactly one replica delivers it. The winner then starts the rule's cooldown for the
 * container (or host); a firing inside a running cooldown is dropped. Delivery retries with
 * exponential backoff; the outcome goes to the firing history.
 */
@Injectable()
export class AlertDelivery implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Alerts');
  private readonly triggers = new AlertTriggers();
  private rules: AlertRule[] = [];
  /** The enabled ones among `rules`, picked once per read rather than per event. */
  private enabled: AlertRule[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly stopping = new AbortController();
  private readonly running = new Set<Promise<void>>();
  /**
   * Cooldowns this replica knows to be running (rule + subject → epoch ms), so a flood of
   * matching log lines costs Redis nothing while one runs. Redis stays the judge: this only skips.
   */
  private readonly knownCooldowns = new Map<string, number>();
  /** Per host, the newest event id evaluated (its deliveries may still be running). */
  private readonly evaluated = new Map<string, string>();

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    hosts: HostDirectory,
    @Inject(GATEWAY_TUNING) private readonly tuning: GatewayTuning,
  ) {
    hosts.listen({
      followed: (status, containers) => this.triggers.load(status.host_id, containers),
      event: (hostId, id, event) => {
        this.consider(this.triggers.event(hostId, id, event, this.enabled.length > 0));
        this.evaluated.set(hostId, id);
      },
      changed: (status) => {
        if (this.enabled.length > 0) this.consider(this.triggers.hostOffline(status));
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reloadRules();
    this.timer = setInterval(() => void this.reloadRules(), this.tuning.alertRulesPollMs);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await Promise.allSettled([...this.running]);
  }

  /** What the replica has evaluated and is delivering (see GatewayInspector). */
  summary(): { rules: string[]; evaluated: Record<string, string>; deliveries: number } {
    return {
      rules: this.rules.map((r) => r.id),
      evaluated: Object.fromEntries(this.evaluated),
      deliveries: this.running.size,
    };
  }

  /** Rereads the shared rules (at once after a change made here, else every poll). */
  async reloadRules(): Promise<void> {
    try {
      this.rules = await this.bus.alerts.rules();
      this.enabled = this.rules.filter((rule) => rule.enabled);
    } catch (error: unknown) {
      // Keep evaluating the rules last read.
      this.logger.warn(`reading the alert rules failed: ${describeError(error)}`);
    }
  }

  /** The rules in use on this replica. */
  currentRules(): readonly AlertRule[] {
    return this.rules;
  }

  /** Delivers what `occurrences` fire (host events here, log lines from AlertLogWatcher). */
  consider(occurrences: Occurrence[]): void {
    if (this.enabled.length === 0) return;
    const now = Date.now();
    for (const occurrence of occurrences) {
      const subject = cooldownSubject(occurrence);
      for (const rule of this.enabled) {
        if (!ruleFires(rule, occurrence)) continue;
        const cooling = this.knownCooldowns.get(`${rule.id} ${subject}`);
        if (cooling !== undefined && cooling > now) continue;
        if (this.running.size >= this.tuning.alertMaxInFlight) {
          this.logger.warn(`alert ${rule.id} not delivered: too many deliveries in flight`);
          continue;
        }
        const delivery = this.fire(rule, occurrence)
          .catch((error: unknown) =>
            this.logger.error(`alert ${rule.id} delivery failed: ${describeError(error)}`),
          )
          .finally(() => this.running.delete(delivery));
        this.running.add(delivery);
      }
    }
  }

  private async fire(rule: AlertRule, occurrence: Occurrence): Promise<void> {
    const alerts = this.bus.alerts;
    if (!(await alerts.claimFiring(rule.id, occurrence.hostId, occurrence.eventId, CLAIM_TTL_MS)))
      return;
    if (rule.cooldown_seconds > 0) {
      const subject = cooldownSubject(occurrence);
      const started = await alerts.startCooldown(rule.id, subject, rule.cooldown_seconds * 1_000);
      // Started here: known for its whole length. Started elsewhere: its end is unknown, so
      // only the next second is skipped without asking.
      this.knowCooldown(`${rule.id} ${subject}`, started ? rule.cooldown_seconds * 1_000 : 1_000);
      if (!started) return;
    }
    const payload = alertPayload(rule, occurrence);
    const firing: AlertFiring = {
      rule_id: rule.id,
      rule_name: rule.name,
      kind: rule.trigger.kind,
      host_id: occurrence.hostId,
      ...(occurrence.container
        ? {
            container_id: occurrence.container.container_id,
            container_name: occurrence.container.name,
          }
        : {}),
      at: payload.at,
      event_id: occurrence.eventId,
      text: payload.text.slice(0, 4_096),
      status: 'failed',
      attempts: 0,
      error: null,
    };
    for (let attempt = 1; attempt <= this.tuning.alertAttempts; attempt++) {
      if (attempt > 1 && !(await this.pause(this.tuning.alertRetryBaseMs * 2 ** (attempt - 2)))) {
        firing.error = `${firing.error ?? 'not delivered'} (gateway stopped before retrying)`;
        break;
      }
      const result = await postWebhook(
        rule.webhook_url,
        payload,
        this.tuning.alertWebhookTimeoutMs,
        this.stopping.signal,
      );
      firing.attempts = attempt;
      firing.error = result.error;
      if (result.status !== undefined) firing.http_status = result.status;
      if (result.ok) {
        firing.status = 'delivered';
        firing.delivered_at = new Date().toISOString();
        break;
      }
    }
    this.logger.log(`${firing.text}: ${firing.status} after ${firing.attempts} attempt(s)`);
    await alerts.appendFiring(firing);
  }

  private knowCooldown(key: string, ms: number): void {
    const now = Date.now();
    if (this.knownCooldowns.size >= 10_000) {
      for (const [k, until] of this.knownCooldowns) if (until <= now) this.knownCooldowns.delete(k);
      if (this.knownCooldowns.size >= 10_000) this.knownCooldowns.clear();
    }
    this.knownCooldowns.set(key, now + ms);
  }

  /** Waits `ms`; false when the gateway is stopping. */
  private pause(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.stopping.signal.aborted) return resolve(false);
      const timer = setTimeout(() => {
        this.stopping.signal.removeEventListener('abort', stop);
        resolve(true);
      }, ms);
      const stop = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      this.stopping.signal.addEventListener('abort', stop, { once: true });
    });
  }
}
