import { RE2JS } from 're2js';
import { GatewayError } from '../core/gateway-error';

/** Compiled patterns kept; rules are at most `ALERT_LIMITS.rules`, so this never evicts in use. */
const MAX_CACHED = 1_000;
const compiled = new Map<string, RE2JS>();

/**
 * A log rule's pattern compiled with RE2 (linear time in the line's length whatever the
 * pattern: no catastrophic backtracking on hostile lines). Throws `invalid_payload` naming the
 * problem when it does not compile.
 */
export function logPattern(pattern: string): RE2JS {
  let re = compiled.get(pattern);
  if (re) return re;
  try {
    re = RE2JS.compile(pattern);
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GatewayError('invalid_payload', `trigger.pattern: ${reason}`.slice(0, 300));
  }
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(pattern, re);
  return re;
}
