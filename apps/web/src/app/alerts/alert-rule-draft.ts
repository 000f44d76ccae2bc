import {
  ALERT_LIMITS,
  HOST_ID,
  type AlertMatch,
  type AlertRule,
  type AlertRuleInput,
  type AlertTrigger,
  type AlertTriggerKind,
} from '@flotilla/contracts/core';

/** The rule editor's fields as typed (numbers too, so a half-typed one can be shown and checked). */
export interface RuleDraft {
  name: string;
  enabled: boolean;
  kind: AlertTriggerKind;
  /** crash_loop */
  exits: string;
  window_seconds: string;
  /** log_match */
  pattern: string;
  host: string;
  container: string;
  label: string;
  project: string;
  webhook_url: string;
  cooldown_seconds: string;
}

export type DraftField = Exclude<keyof RuleDraft, 'enabled'>;
export type DraftErrors = Partial<Record<DraftField, string>>;

/** The words the page uses for each trigger, in the order it offers them. */
export const TRIGGER_LABELS: Readonly<Record<AlertTriggerKind, string>> = {
  exit_nonzero: 'Exits non-zero',
  oom_killed: 'Killed for lack of memory (OOM)',
  crash_loop: 'Crash loop',
  unhealthy: 'Turns unhealthy',
  host_offline: 'Host goes offline',
  log_match: 'Log line matches',
};

/** Host-wide triggers look at hosts, not containers: only `host` narrows them. */
export function matchesContainers(kind: AlertTriggerKind): boolean {
  return kind !== 'host_offline';
}

const DEFAULT_CRASH_LOOP = { exits: 3, window_seconds: 300 };
const DEFAULT_COOLDOWN_SECONDS = 300;

export function emptyDraft(): RuleDraft {
  return {
    name: '',
    enabled: true,
    kind: 'exit_nonzero',
    exits: String(DEFAULT_CRASH_LOOP.exits),
    window_seconds: String(DEFAULT_CRASH_LOOP.window_seconds),
    pattern: '',
    host: '',
    container: '',
    label: '',
    project: '',
    webhook_url: '',
    cooldown_seconds: String(DEFAULT_COOLDOWN_SECONDS),
  };
}

/** A stored rule in the editor. */
export function draftOf(rule: AlertRule): RuleDraft {
  const draft: RuleDraft = {
    ...emptyDraft(),
    name: rule.name,
    enabled: rule.enabled,
    kind: rule.trigger.kind,
    host: rule.match.host ?? '',
    container: rule.match.container ?? '',
    label: rule.match.label ?? '',
    project: rule.match.project ?? '',
    webhook_url: rule.webhook_url,
    cooldown_seconds: String(rule.cooldown_seconds),
  };
  if (rule.trigger.kind === 'crash_loop') {
    draft.exits = String(rule.trigger.exits);
    draft.window_seconds = String(rule.trigger.window_seconds);
  }
  if (rule.trigger.kind === 'log_match') draft.pattern = rule.trigger.pattern;
  return draft;
}

export type CheckedDraft = { ok: true; input: AlertRuleInput } | { ok: false; errors: DraftErrors };

/**
 * The draft as the gateway's `alertRuleInputSchema` would take it, or what it would refuse, field
 * by field, with the same bounds. One thing only the gateway can check: whether a log pattern
 * compiles as RE2 (the browser has no RE2); its 400 is shown next to the field instead.
 */
export function checkDraft(draft: RuleDraft): CheckedDraft {
  const errors: DraftErrors = {};
  const L = ALERT_LIMITS;

  const name = draft.name.trim();
  if (name === '') errors.name = 'Name the rule.';
  else if (name.length > L.name) errors.name = `At most ${L.name} characters.`;

  const webhook = draft.webhook_url.trim();
  if (webhook === '') errors.webhook_url = 'Give the URL the alert is posted to.';
  else if (webhook.length > L.url) errors.webhook_url = `At most ${L.url} characters.`;
  else if (!isWebhookUrl(webhook))
    errors.webhook_url = 'An http:// or https:// URL, without a user or password in it.';

  const cooldown = integerIn(draft.cooldown_seconds, 0, L.cooldownSeconds);
  if (typeof cooldown === 'string') errors.cooldown_seconds = cooldown;

  const trigger = checkTrigger(draft, errors);
  const match = checkMatch(draft, errors);

  if (Object.keys(errors).length > 0 || trigger === null || typeof cooldown === 'string')
    return { ok: false, errors };
  return {
    ok: true,
    input: {
      name,
      enabled: draft.enabled,
      match,
      trigger,
      webhook_url: webhook,
      cooldown_seconds: cooldown,
    },
  };
}

function checkTrigger(draft: RuleDraft, errors: DraftErrors): AlertTrigger | null {
  const L = ALERT_LIMITS;
  switch (draft.kind) {
    case 'crash_loop': {
      const exits = integerIn(draft.exits, 2, L.crashLoopExits);
      const window = integerIn(draft.window_seconds, 1, L.crashLoopWindowSeconds);
      if (typeof exits === 'string') errors.exits = exits;
      if (typeof window === 'string') errors.window_seconds = window;
      if (typeof exits === 'string' || typeof window === 'string') return null;
      return { kind: 'crash_loop', exits, window_seconds: window };
    }
    case 'log_match': {
      // Kept as typed: spaces at either end are part of a pattern.
      const pattern = draft.pattern;
      if (pattern === '') errors.pattern = 'Give the pattern a log line must match.';
      else if (pattern.length > L.pattern) errors.pattern = `At most ${L.pattern} characters.`;
      else return { kind: 'log_match', pattern };
      return null;
    }
    default:
      return { kind: draft.kind };
  }
}

function checkMatch(draft: RuleDraft, errors: DraftErrors): AlertMatch {
  const L = ALERT_LIMITS;
  const match: AlertMatch = {};
  const host = draft.host.trim();
  if (host !== '') {
    if (host.length > 63 || !HOST_ID.test(host))
      errors.host = 'A host id: letters, digits, ".", "_" and "-", at most 63.';
    else match.host = host;
  }
  if (!matchesContainers(draft.kind)) return match;
  const fields = [
    ['container', L.glob],
    ['label', L.label],
    ['project', L.label],
  ] as const;
  for (const [field, max] of fields) {
    const value = draft[field].trim();
    if (value === '') continue;
    if (value.length > max) errors[field] = `At most ${max} characters.`;
    else match[field] = value;
  }
  return match;
}

/** What `webhookUrlSchema` accepts. */
function isWebhookUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password
    );
  } catch {
    return false;
  }
}

/** A whole number within bounds, or why not. */
function integerIn(text: string, min: number, max: number): number | string {
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) return 'A whole number.';
  const value = Number(trimmed);
  if (value < min || value > max) return `From ${min} to ${max}.`;
  return value;
}

/** Where the gateway's 400 messages (`path: problem`) point in the editor. */
const SERVER_PATHS: Readonly<Record<string, DraftField>> = {
  name: 'name',
  webhook_url: 'webhook_url',
  cooldown_seconds: 'cooldown_seconds',
  trigger: 'kind',
  'trigger.kind': 'kind',
  'trigger.exits': 'exits',
  'trigger.window_seconds': 'window_seconds',
  'trigger.pattern': 'pattern',
  'match.host': 'host',
  'match.container': 'container',
  'match.label': 'label',
  'match.project': 'project',
};

/** The field a gateway error names, or null when it names none (shown for the whole form). */
export function fieldOfServerError(message: string): DraftField | null {
  const colon = message.indexOf(': ');
  if (colon === -1) return null;
  return SERVER_PATHS[message.slice(0, colon)] ?? null;
}

/** One line for the rules table: "Crash loop: 3 exits in 300 s". */
export function describeTrigger(trigger: AlertTrigger): string {
  switch (trigger.kind) {
    case 'crash_loop':
      return `${TRIGGER_LABELS.crash_loop}: ${trigger.exits} exits in ${trigger.window_seconds} s`;
    case 'log_match':
      return `${TRIGGER_LABELS.log_match} /${trigger.pattern}/`;
    default:
      return TRIGGER_LABELS[trigger.kind];
  }
}

/** One line for the rules table: what a rule looks at ("every container" when nothing narrows it). */
export function describeMatch(rule: Pick<AlertRule, 'match' | 'trigger'>): string {
  const { host, container, label, project } = rule.match;
  const parts: string[] = [];
  if (host !== undefined) parts.push(`host ${host}`);
  if (matchesContainers(rule.trigger.kind)) {
    if (container !== undefined) parts.push(`name ${container}`);
    if (label !== undefined) parts.push(`label ${label}`);
    if (project !== undefined) parts.push(`project ${project}`);
  }
  if (parts.length > 0) return parts.join(' · ');
  return matchesContainers(rule.trigger.kind) ? 'every container' : 'every host';
}
