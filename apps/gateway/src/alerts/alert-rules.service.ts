import { ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  ALERT_LIMITS,
  alertRuleInputSchema,
  type AlertFiring,
  type AlertRule,
  type AuditKind,
} from '@flotilla/contracts';
import type { Bus } from '@flotilla/bus';
import { AuditService } from '../audit/audit.service';
import { canManageAlerts } from '../auth/access-policy';
import type { Principal } from '../auth/principal';
import { BUS } from '../core/tokens';
import { GatewayError } from '../core/gateway-error';
import { parseRequest } from '../http/http-params';
import { AlertDelivery } from './alert-delivery.service';
import { logPattern } from './log-pattern';

/** A rule as sent, validated, its log pattern compiled (a bad one is a clear 400). */
function parseRuleInput(body: unknown): ReturnType<typeof alertRuleInputSchema.parse> {
  const input = parseRequest(alertRuleInputSchema, body);
  if (input.trigger.kind === 'log_match') logPattern(input.trigger.pattern);
  return input;
}

/** Creating, replacing and deleting the shared alert rules: validated, audited. */
@Injectable()
export class AlertRules {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly audit: AuditService,
    private readonly delivery: AlertDelivery,
  ) {}

  async list(principal: Principal): Promise<AlertRule[]> {
    this.authorise(principal, null);
    return this.bus.alerts.rules();
  }

  async create(principal: Principal, body: unknown): Promise<AlertRule> {
    this.authorise(principal, 'alert_rule_create');
    const input = parseRuleInput(body);
    if ((await this.bus.alerts.rules()).length >= ALERT_LIMITS.rules)
      throw new GatewayError('invalid_payload', `at most ${ALERT_LIMITS.rules} alert rules`);
    const rule: AlertRule = { ...input, id: randomUUID(), ...this.stamp(principal) };
    await this.store(principal, 'alert_rule_create', rule);
    return rule;
  }

  async replace(principal: Principal, id: string, body: unknown): Promise<AlertRule> {
    this.authorise(principal, 'alert_rule_update');
    const input = parseRuleInput(body);
    await this.existing(id);
    const rule: AlertRule = { ...input, id, ...this.stamp(principal) };
    await this.store(principal, 'alert_rule_update', rule);
    return rule;
  }

  async remove(principal: Principal, id: string): Promise<void> {
    this.authorise(principal, 'alert_rule_delete');
    if (!(await this.bus.alerts.deleteRule(id))) throw new NotFoundException();
    await this.audit.record({
      kind: 'alert_rule_delete',
      user: principal.user,
      ok: true,
      error: null,
      rule_id: id,
    });
    await this.delivery.reloadRules();
  }

  async firings(principal: Principal, limit: number): Promise<AlertFiring[]> {
    this.authorise(principal, null);
    return this.bus.alerts.firings(limit);
  }

  private async existing(id: string): Promise<AlertRule> {
    const rule = (await this.bus.alerts.rules()).find((r) => r.id === id);
    if (!rule) throw new NotFoundException();
    return rule;
  }

  private async store(principal: Principal, kind: AuditKind, rule: AlertRule): Promise<void> {
    await this.bus.alerts.putRule(rule);
    await this.audit.record({
      kind,
      user: principal.user,
      ok: true,
      error: null,
      rule_id: rule.id,
    });
    await this.delivery.reloadRules();
  }

  private stamp(principal: Principal): Pick<AlertRule, 'updated_by' | 'updated_at'> {
    return { updated_by: principal.user, updated_at: new Date().toISOString() };
  }

  /** Refuses all but fleet-wide admins; a refused change is audited. */
  private authorise(principal: Principal, change: AuditKind | null): void {
    if (canManageAlerts(principal)) return;
    if (change)
      this.audit.refused({ kind: change, user: principal.user, ok: false, error: 'forbidden' });
    throw new ForbiddenException('alert rules are for admins of the whole fleet');
  }
}
