import type { Router } from '@angular/router';
import { dockerTime } from '@flotilla/contracts/core';
import { timestampSortKey } from './log-line';

/** "Jump to" presets of the log viewer's time control, in minutes before now. */
export const JUMP_PRESETS: readonly { label: string; minutes: number }[] = [
  { label: '−5 min', minutes: 5 },
  { label: '−15 min', minutes: 15 },
  { label: '−1 h', minutes: 60 },
];

/** Lines of context a permalink opens above its line. */
export const PERMALINK_CONTEXT_LINES = 20;

/** The time `minutes` before `now`, as the URL's `since` carries it. */
export function sinceBefore(minutes: number, now: Date): string {
  return new Date(now.getTime() - minutes * 60_000).toISOString();
}

/**
 * A `since` or `at` from the URL in Docker's form (UTC, nine fraction digits), which is what
 * `start_log_stream` compares; null when it is not an RFC 3339 time.
 */
export function urlTime(value: string | null | undefined): string | null {
  return value ? dockerTime(value) : null;
}

/** The sort key of a permalink's line (see `timestampSortKey`); null without one. */
export function targetSortKey(at: string | null): string | null {
  const time = urlTime(at);
  return time === null ? null : timestampSortKey(time);
}

/** A `datetime-local` input's value (local time, no zone) as an ISO time; null when empty. */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** An ISO time as a `datetime-local` input shows it (local time, to the second). */
export function isoToLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 19);
}

/**
 * The permalink of a line: `/logs/<host>/<id>?at=<docker ts>[&q=<filter>]` for one container,
 * else the page's own URL (its containers, merge and project) with `at` and `q` and without
 * `since` (the permalink opens around its line, not at the time the page started from).
 */
export function permalinkOf(
  router: Router,
  container: { hostId: string; containerId: string } | null,
  ts: string,
  filter: string | null,
): string {
  if (container) {
    return router.serializeUrl(
      router.createUrlTree(['/logs', container.hostId, container.containerId], {
        queryParams: { at: ts, ...(filter ? { q: filter } : {}) },
      }),
    );
  }
  const tree = router.parseUrl(router.url);
  const params: Record<string, unknown> = { ...tree.queryParams, at: ts };
  delete params['since'];
  if (filter) params['q'] = filter;
  else delete params['q'];
  tree.queryParams = params;
  tree.fragment = null;
  return router.serializeUrl(tree);
}
