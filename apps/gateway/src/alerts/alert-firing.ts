import type { AlertRule, AlertTriggerKind } from '@flotilla/contracts';
import { matchesContainer, matchesHost } from './alert-match';
import { logPattern } from './log-pattern';
import type { Occurrence } from './alert-triggers';

/** Whether `rule` fires on `occurrence`: its trigger happened to something it matches. */
export function ruleFires(rule: AlertRule, occurrence: Occurrence): boolean {
  if (!rule.enabled) return false;
  const trigger = rule.trigger;
  if (trigger.kind === 'crash_loop') {
    if (occurrence.kind !== 'exit' || !occurrence.recentExits) return false;
    const since = occurrence.at - trigger.window_seconds * 1_000;
    if (occurrence.recentExits.filter((t) => t > since).length < trigger.exits) return false;
  } else if (trigger.kind !== occurrence.kind) {
    return false;
  }
  if (trigger.kind === 'log_match') {
    if (!occurrence.container || !matchesContainer(rule.match, occurrence.container)) return false;
    return logPattern(trigger.pattern).test(occurrence.line ?? '');
  }
  return occurrence.container
    ? matchesContainer(rule.match, occurrence.container)
    : matchesHost(rule.match, occurrence.hostId);
}

/** What a cooldown is kept per: the container, or the host for host-wide triggers. */
export function cooldownSubject(occurrence: Occurrence): string {
  return occurrence.container
    ? `${occurrence.hostId}/${occurrence.container.container_id}`
    : occurrence.hostId;
}

/** The webhook's JSON: `text` for Slack-compatible receivers, the same facts as fields. */
export interface AlertPayload {
  text: string;
  rule: { id: string; name: string };
  kind: AlertTriggerKind;
  host_id: string;
  container_id?: string;
  container_name?: string;
  exit_code?: number | null;
  oom_killed?: boolean;
  health?: string;
  /** Exits counted in the crash-loop window. */
  exits?: number;
  /** The log line that matched. */
  line?: string;
  at: string;
  event_id: string;
}

export function alertPayload(rule: AlertRule, occurrence: Occurrence): AlertPayload {
  const kind = rule.trigger.kind;
  const c = occurrence.container;
  const where = c ? `${c.name} on ${occurrence.hostId}` : `host ${occurrence.hostId}`;
  let exits: number | undefined;
  let what: string;
  switch (rule.trigger.kind) {
    case 'exit_nonzero':
      what = `exited with code ${c?.exit_code ?? '?'}`;
      break;
    case 'oom_killed':
      what = 'was killed for running out of memory';
      break;
    case 'crash_loop': {
      const since = occurrence.at - rule.trigger.window_seconds * 1_000;
      exits = (occurrence.recentExits ?? []).filter((t) => t > since).length;
      what = `is crash-looping: ${exits} exits in ${rule.trigger.window_seconds} s`;
      break;
    }
    case 'unhealthy':
      what = 'is unhealthy';
      break;
    case 'host_offline':
      what = 'went offline';
      break;
    case 'log_match':
      what = `logged: ${(occurrence.line ?? '').slice(0, 300)}`;
      break;
  }
  return {
    text: `[Flotilla] ${rule.name}: ${where} ${what}`,
    rule: { id: rule.id, name: rule.name },
    kind,
    host_id: occurrence.hostId,
    ...(c
      ? {
          container_id: c.container_id,
          container_name: c.name,
          exit_code: c.exit_code,
          oom_killed: c.oom_killed === true,
          health: c.health,
        }
      : {}),
    ...(exits !== undefined ? { exits } : {}),
    ...(occurrence.line !== undefined ? { line: occurrence.line.slice(0, 2_048) } : {}),
    at: new Date(occurrence.at).toISOString(),
    event_id: occurrence.eventId,
  };
}
