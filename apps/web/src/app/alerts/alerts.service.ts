import { Injectable, inject } from '@angular/core';
import type { AlertFiring, AlertRule, AlertRuleInput } from '@flotilla/contracts/core';
import { FETCH } from '../auth/login.service';

/** A refused or failed call: the gateway's own message, and its HTTP status (0: unreachable). */
export class AlertsApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AlertsApiError';
  }

  /** The gateway refused this user (alert rules are for admins of the whole fleet). */
  get forbidden(): boolean {
    return this.status === 403;
  }
}

/** How many firings the page shows (the gateway's default page). */
export const FIRINGS_SHOWN = 100;

/** `/api/alert-rules` and `/api/alert-firings` with the page's session. */
@Injectable({ providedIn: 'root' })
export class AlertsService {
  private readonly fetch = inject(FETCH);

  async rules(): Promise<AlertRule[]> {
    return (await this.call<{ rules: AlertRule[] }>('/api/alert-rules')).rules;
  }

  async create(input: AlertRuleInput): Promise<AlertRule> {
    return (await this.call<{ rule: AlertRule }>('/api/alert-rules', 'POST', input)).rule;
  }

  async replace(id: string, input: AlertRuleInput): Promise<AlertRule> {
    const path = `/api/alert-rules/${encodeURIComponent(id)}`;
    return (await this.call<{ rule: AlertRule }>(path, 'PUT', input)).rule;
  }

  async remove(id: string): Promise<void> {
    await this.call(`/api/alert-rules/${encodeURIComponent(id)}`, 'DELETE');
  }

  /** The newest firings first. */
  async firings(limit = FIRINGS_SHOWN): Promise<AlertFiring[]> {
    const path = `/api/alert-firings?limit=${limit}`;
    return (await this.call<{ firings: AlertFiring[] }>(path)).firings;
  }

  private async call<T>(path: string, method = 'GET', body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await this.fetch(path, {
        method,
        credentials: 'same-origin',
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
    } catch {
      throw new AlertsApiError('The gateway cannot be reached.', 0);
    }
    if (!res.ok) {
      const answer = (await res.json().catch(() => ({}))) as { error?: unknown };
      const message =
        typeof answer.error === 'string' ? answer.error : `The gateway answered ${res.status}.`;
      throw new AlertsApiError(message, res.status);
    }
    return (await res.json()) as T;
  }
}
