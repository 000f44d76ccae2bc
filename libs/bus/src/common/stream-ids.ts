import { STREAM_ID } from '@flotilla/contracts';

/** A stream entry id split into its two parts (`<ms>-<seq>`). */
export type IdParts = readonly [number, number];

export const ZERO_ID = '0-0';

export function parseStreamId(id: string): IdParts {
  if (!STREAM_ID.test(id)) throw new Error(`not a stream id: "${id}"`);
  const dash = id.indexOf('-');
  return [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}

export function compareIdParts(a: IdParts, b: IdParts): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}

/** Orders stream ids as Redis does (numerically by ms, then seq). */
export function compareStreamIds(a: string, b: string): number {
  return compareIdParts(parseStreamId(a), parseStreamId(b));
}

export function formatStreamId(parts: IdParts): string {
  return `${parts[0]}-${parts[1]}`;
}
