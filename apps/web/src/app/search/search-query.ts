import type { ParamMap } from '@angular/router';
import { SEARCH_LIMITS } from '@flotilla/contracts/core';
import type { SearchQueryInput } from './log-search.service';

const TEXT_PARAMS = ['host', 'container', 'project', 'label', 'since', 'until'] as const;

/** The search a URL names (`/search?q=&host=&container=&project=&label=&since=&until=&limit=`). */
export function queryFromParams(params: ParamMap): SearchQueryInput {
  const query: SearchQueryInput = { q: params.get('q') ?? '' };
  for (const name of TEXT_PARAMS) {
    const value = params.get(name)?.trim();
    if (value) query[name] = value;
  }
  const limit = Number(params.get('limit'));
  if (Number.isInteger(limit) && limit >= 1) query.limit = Math.min(limit, SEARCH_LIMITS.maxLimit);
  return query;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** An ISO time as a `datetime-local` input shows it (local time, to the second). */
export function toLocalInput(iso: string | undefined): string {
  const ms = iso === undefined ? NaN : Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** A `datetime-local` value (local time) as ISO, or null when empty or not a time. */
export function fromLocalInput(value: string | null): string | null {
  if (value === null || value === '') return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
