import { RedisKeys, STREAM_CAPS } from '@flotilla/contracts';
import type { FieldMap, RawStreamEntry } from '../codecs';
import type { RetentionRepository, RetentionUsage } from '../ports';
import { formatStreamId, parseStreamId } from './stream-ids';

export type RetainedKind = 'logs' | 'stats';

/** Byte caps of the log and stats streams an agent writes. */
export interface RetentionBudget {
  /** Bytes one container's log stream (and, apart, its stats stream) may hold. */
  containerBytes: number;
  /** Bytes all of a host's log and stats streams may hold together. */
  hostBytes: number;
}

export const DEFAULT_RETENTION: RetentionBudget = {
  containerBytes: STREAM_CAPS.containerBytes,
  hostBytes: STREAM_CAPS.hostBytes,
};

/** Field of the host total in `RedisKeys.retained`. */
export const TOTAL_FIELD = 'total';
/** A trim goes this far below a byte cap, so it runs once per tenth of the cap, not per append. */
const TRIM_TO = 0.9;
/** Entry caps are approximate (like `MAXLEN ~`): trimmed back to the cap beyond this factor. */
const ENTRY_SLACK = 1.1;
/** Oldest entries read per trim step. */
const PAGE = 200;

/** An entry's size as retention counts it: its fields' names and values, in UTF-8. */
export function entryBytes(fields: FieldMap): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(fields))
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
}

export function retainedField(kind: RetainedKind, containerId: string): string {
  return `${kind}:${containerId}`;
}

function streamKey(hostId: string, field: string): string | null {
  const colon = field.indexOf(':');
  const kind = field.slice(0, colon);
  const containerId = field.slice(colon + 1);
  if (colon < 1 || containerId === '') return null;
  if (kind === 'logs') return RedisKeys.logs(hostId, containerId);
  if (kind === 'stats') return RedisKeys.stats(hostId, containerId);
  return null;
}

/** The smallest id above `id`: `XTRIM MINID` of it deletes `id` and everything before. */
function successor(id: string): string {
  const [ms, seq] = parseStreamId(id);
  return formatStreamId([ms, seq + 1]);
}

export interface Added {
  id: string;
  streamBytes: number;
  hostBytes: number;
  length: number;
}

/** What retention needs of a store: Redis and memory implement it alike. */
export interface RetainedStreams {
  /** Appends, and adds `bytes` to the stream's and the host's counts in the same step. */
  add(
    hostId: string,
    key: string,
    field: string,
    id: string,
    fields: FieldMap,
    bytes: number,
  ): Promise<Added>;
  measure(hostId: string, key: string, field: string): Promise<{ bytes: number; length: number }>;
  oldest(key: string, count: number): Promise<RawStreamEntry[]>;
  /** Deletes the entries below `minId` and takes `bytes` off the stream's and the host's counts. */
  cut(hostId: string, key: string, field: string, minId: string, bytes: number): Promise<void>;
  /** Every count of the host (`total` included). */
  counts(hostId: string): Promise<Record<string, number>>;
  /** Deletes the streams and their counts. */
  remove(hostId: string, streams: { key: string; field: string; bytes: number }[]): Promise<void>;
}

/**
 * Keeps the log and stats streams within their byte and entry caps: every append is counted
 * (per stream and per host, in `RedisKeys.retained`), and a stream over its cap loses its oldest
 * entries; a host over its cap takes them from its largest streams first. The newest entry of a
 * stream is never trimmed (a log resumes its numbering from it). Trims of one host run one at a
 * time, so two never count the same entries off twice; appends do not wait for each other.
 */
export class Retention implements RetentionRepository {
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    private readonly streams: RetainedStreams,
    private readonly budget: RetentionBudget,
  ) {}

  async append(
    hostId: string,
    kind: RetainedKind,
    containerId: string,
    id: string,
    fields: FieldMap,
    maxEntries: number,
  ): Promise<string> {
    const field = retainedField(kind, containerId);
    const key = streamKey(hostId, field) as string;
    const added = await this.streams.add(hostId, key, field, id, fields, entryBytes(fields));
    const overStream =
      added.streamBytes > this.budget.containerBytes ||
      added.length > Math.ceil(maxEntries * ENTRY_SLACK);
    const overHost = added.hostBytes > this.budget.hostBytes;
    // Awaited: a flood cannot outrun its own trimming.
    if (overStream)
      await this.serially(hostId, () =>
        this.trimStream(hostId, key, field, this.budget.containerBytes * TRIM_TO, maxEntries),
      );
    if (overHost) await this.serially(hostId, () => this.trimHost(hostId));
    return added.id;
  }

  async usage(hostId: string): Promise<RetentionUsage> {
    const counts = await this.streams.counts(hostId);
    const containers: Record<string, number> = {};
    for (const [field, bytes] of Object.entries(counts)) {
      if (field === TOTAL_FIELD || streamKey(hostId, field) === null) continue;
      const containerId = field.slice(field.indexOf(':') + 1);
      containers[containerId] = (containers[containerId] ?? 0) + bytes;
    }
    return { total: counts[TOTAL_FIELD] ?? 0, containers };
  }

  drop(hostId: string, containerId: string): Promise<void> {
    return this.serially(hostId, async () => {
      const streams = await Promise.all(
        (['logs', 'stats'] as const).map(async (kind) => {
          const field = retainedField(kind, containerId);
          const key = streamKey(hostId, field) as string;
          const { bytes } = await this.streams.measure(hostId, key, field);
          return { key, field, bytes };
        }),
      );
      await this.streams.remove(hostId, streams);
    });
  }

  private serially<T>(hostId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.chains.get(hostId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.chains.set(hostId, tail);
    void tail.then(() => {
      if (this.chains.get(hostId) === tail) this.chains.delete(hostId);
    });
    return run;
  }

  /** Trims the oldest entries until the stream is within both caps; returns the bytes freed. */
  private async trimStream(
    hostId: string,
    key: string,
    field: string,
    targetBytes: number,
    maxEntries: number,
  ): Promise<number> {
    let { bytes, length } = await this.streams.measure(hostId, key, field);
    let freed = 0;
    while (length > 1 && (bytes > targetBytes || length > maxEntries)) {
      const page = await this.streams.oldest(key, Math.min(PAGE, length));
      if (page.length === 0) {
        // The count outlived its stream (deleted behind the bus's back): it holds nothing.
        await this.streams.cut(hostId, key, field, '0-1', bytes);
        return freed + bytes;
      }
      let dropped = 0;
      let n = 0;
      while (
        n < page.length &&
        n < length - 1 &&
        (bytes - dropped > targetBytes || length - n > maxEntries)
      ) {
        dropped += entryBytes(page[n].value);
        n++;
      }
      if (n === 0) break;
      await this.streams.cut(hostId, key, field, successor(page[n - 1].id), dropped);
      bytes -= dropped;
      length -= n;
      freed += dropped;
    }
    return freed;
  }

  /** Brings the host within its cap, taking from its largest streams first. */
  private async trimHost(hostId: string): Promise<void> {
    const counts = await this.streams.counts(hostId);
    let total = counts[TOTAL_FIELD] ?? 0;
    const target = this.budget.hostBytes * TRIM_TO;
    const largestFirst = Object.entries(counts)
      .filter(([field]) => field !== TOTAL_FIELD)
      .sort((a, b) => b[1] - a[1]);
    for (const [field, bytes] of largestFirst) {
      if (total <= target) return;
      const key = streamKey(hostId, field);
      if (key === null) continue;
      const goal = Math.max(0, bytes - (total - target));
      total -= await this.trimStream(hostId, key, field, goal, Number.POSITIVE_INFINITY);
    }
  }
}
