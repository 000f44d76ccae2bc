import {
  ALERT_FIRING_FIELD,
  alertFiringSchema,
  alertRuleSchema,
  parseJson,
  type AlertFiring,
  type AlertRule,
} from '@flotilla/contracts';
import type { FieldMap, RawStreamEntry } from '../codecs';

export function encodeFiring(firing: AlertFiring): FieldMap {
  // The id is the entry's own, given by the stream.
  return { [ALERT_FIRING_FIELD]: JSON.stringify({ ...firing, id: undefined }) };
}

/** Valid firings of `entries` (newest first as read), each with its entry id. */
export function decodeFirings(entries: readonly RawStreamEntry[]): AlertFiring[] {
  const firings: AlertFiring[] = [];
  for (const entry of entries) {
    const text = entry.value[ALERT_FIRING_FIELD];
    if (typeof text !== 'string') continue;
    const parsed = parseJson(alertFiringSchema, text);
    if (parsed.ok) firings.push({ ...parsed.value, id: entry.id });
  }
  return firings;
}

/** Valid rules of a rules hash whose field is the rule's own id, in id order. */
export function decodeRules(hash: Record<string, string>): AlertRule[] {
  const rules: AlertRule[] = [];
  for (const [id, text] of Object.entries(hash)) {
    const parsed = parseJson(alertRuleSchema, text);
    if (parsed.ok && parsed.value.id === id) rules.push(parsed.value);
  }
  return rules.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
