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
  const da = dashOf(a);
  const db = dashOf(b);
  return (
    compareDigits(a, 0, da, b, 0, db) || compareDigits(a, da + 1, a.length, b, db + 1, b.length)
  );
}

/** The epoch ms an automatic stream id was created at. */
export function timeOfStreamId(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

// A scan by char codes, not regular expressions and slices: every socket's cursor compares ids
// for every change a replica delivers, so this runs hundreds of thousands of times a second.
const DASH = 45;
const ZERO = 48;
const NINE = 57;
const MAX_DIGITS = 20;

/** Where the dash of a full stream id (1–20 digits, a dash, 1–20 digits) is; throws otherwise. */
function dashOf(id: string): number {
  let dash = -1;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c === DASH && dash < 0) dash = i;
    else if (c < ZERO || c > NINE) throw new Error(`not a stream id: "${id}"`);
  }
  const seqDigits = id.length - dash - 1;
  if (dash < 1 || dash > MAX_DIGITS || seqDigits < 1 || seqDigits > MAX_DIGITS)
    throw new Error(`not a stream id: "${id}"`);
  return dash;
}

/** Compares the digit runs a[aFrom, aTo) and b[bFrom, bTo) as whole numbers. */
function compareDigits(
  a: string,
  aFrom: number,
  aTo: number,
  b: string,
  bFrom: number,
  bTo: number,
): number {
  while (aFrom < aTo - 1 && a.charCodeAt(aFrom) === ZERO) aFrom++;
  while (bFrom < bTo - 1 && b.charCodeAt(bFrom) === ZERO) bFrom++;
  const length = aTo - aFrom;
  if (length !== bTo - bFrom) return length - (bTo - bFrom);
  for (let i = 0; i < length; i++) {
    const d = a.charCodeAt(aFrom + i) - b.charCodeAt(bFrom + i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export function formatStreamId(parts: IdParts): string {
  return `${parts[0]}-${parts[1]}`;
}
