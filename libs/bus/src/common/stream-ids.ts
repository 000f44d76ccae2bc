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

/**
 * Orders stream ids as Redis does (numerically by ms, then seq), exactly for any 64-bit part:
 * digit strings compare by length, then by their digits, with no float rounding.
 */
export function compareStreamIds(a: string, b: string): number {
  if (!STREAM_ID.test(a)) throw new Error(`not a stream id: "${a}"`);
  if (!STREAM_ID.test(b)) throw new Error(`not a stream id: "${b}"`);
  const da = a.indexOf('-');
  const db = b.indexOf('-');
  return (
    compareDigits(a.slice(0, da), b.slice(0, db)) || compareDigits(a.slice(da + 1), b.slice(db + 1))
  );
}

/** The epoch ms an automatic stream id was created at. */
export function timeOfStreamId(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function formatStreamId(parts: IdParts): string {
  return `${parts[0]}-${parts[1]}`;
}
