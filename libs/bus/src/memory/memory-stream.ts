import type { FieldMap } from '../codecs';
import { compareIdParts, formatStreamId, parseStreamId, type IdParts } from '../common/stream-ids';

export interface MemoryEntry {
  readonly id: string;
  readonly parts: IdParts;
  readonly fields: FieldMap;
}

/** An explicit id at or below the stream's newest id, refused as Redis refuses it. */
export class StreamIdTooSmallError extends Error {
  constructor(readonly lastId: string) {
    super('The ID specified in XADD is equal or smaller than the target stream top item');
  }
}

/**
 * One Redis stream in memory: entries in id order, ids as Redis makes them (`<ms>-<seq>`,
 * monotonic even when the clock steps back), approximate capping like `MAXLEN ~`.
 */
export class MemoryStream {
  private entries: MemoryEntry[] = [];
  /** Like Redis, the stream remembers its newest id even after trimming. */
  private lastParts: IdParts = [0, 0];

  get length(): number {
    return this.entries.length;
  }

  get lastId(): string {
    return formatStreamId(this.lastParts);
  }

  /** Appends with an explicit id or, for `'*'`, the next id for `now`. */
  add(id: string, fields: FieldMap, cap: number, now = Date.now()): string {
    const [ms, seq] = this.lastParts;
    const parts: IdParts = id === '*' ? (now > ms ? [now, 0] : [ms, seq + 1]) : parseStreamId(id);
    if (compareIdParts(parts, this.lastParts) <= 0) throw new StreamIdTooSmallError(this.lastId);
    const entry = { id: formatStreamId(parts), parts, fields: { ...fields } };
    this.entries.push(entry);
    this.lastParts = parts;
    this.trim(cap);
    return entry.id;
  }

  /** Entries with `after < id <= until` (`after` null: from the first), oldest first. */
  range(after: string | null, until: string | null, count: number): MemoryEntry[] {
    const start = after === null ? 0 : this.indexAfter(parseStreamId(after));
    const end = until === null ? this.entries.length : this.indexAfter(parseStreamId(until));
    return this.entries.slice(start, Math.min(end, start + Math.max(0, count)));
  }

  /** Entries with `id < before` (`before` null: from the newest), newest first. */
  revRange(before: string | null, count: number): MemoryEntry[] {
    const end = before === null ? this.entries.length : this.indexAtOrAfter(parseStreamId(before));
    return this.entries.slice(Math.max(0, end - Math.max(0, count)), end).reverse();
  }

  /** Deletes the entries below `minId` (`XTRIM MINID`). */
  trimBelow(minId: string): void {
    this.entries.splice(0, this.indexAtOrAfter(parseStreamId(minId)));
  }

  first(): MemoryEntry | undefined {
    return this.entries[0];
  }

  last(): MemoryEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  /**
   * Trims in batches (a tenth of the cap, at most 100 entries, as Redis drops whole nodes of
   * 100) so appends stay cheap; never below the cap.
   */
  private trim(cap: number): void {
    const slack = Math.max(1, Math.min(100, Math.floor(cap / 10)));
    if (this.entries.length > cap + slack) this.entries.splice(0, this.entries.length - cap);
  }

  /** Index of the first entry with id > `parts`. */
  private indexAfter(parts: IdParts): number {
    return this.search((entry) => compareIdParts(entry, parts) > 0);
  }

  /** Index of the first entry with id >= `parts`. */
  private indexAtOrAfter(parts: IdParts): number {
    return this.search((entry) => compareIdParts(entry, parts) >= 0);
  }

  private search(isAtOrPast: (entry: IdParts) => boolean): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (isAtOrPast(this.entries[mid].parts)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/**
 * The newest `count` entries of a stream stamped from `sinceMs` to `untilMs` (inclusive),
 * newest first, as `XREVRANGE key <untilMs> <sinceMs> COUNT <count>` reads them.
 */
export function inWindow(
  stream: MemoryStream | undefined,
  sinceMs: number,
  untilMs: number,
  count: number,
  before: string | null = null,
): MemoryEntry[] {
  if (!stream || untilMs < sinceMs) return [];
  const page = stream.revRange(before ?? `${untilMs + 1}-0`, count);
  const end = page.findIndex((entry) => entry.parts[0] < sinceMs);
  return end === -1 ? page : page.slice(0, end);
}
