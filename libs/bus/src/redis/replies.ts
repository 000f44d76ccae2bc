import type { ChainableCommander } from 'ioredis';
import type { FieldMap, RawStreamEntry } from '../codecs';
import type { ReadBackwards } from '../common/read-backwards';
import type { RedisClient } from './connections';

/** A stream entry as ioredis returns it (same shape under RESP2 and RESP3 for typed commands). */
export type RedisStreamEntry = [id: string, fields: string[]];

export function toRawEntries(
  entries: readonly RedisStreamEntry[] | null | undefined,
): RawStreamEntry[] {
  return (entries ?? []).map(([id, flat]) => ({ id, value: toFieldMap(flat) }));
}

function toFieldMap(flat: readonly string[]): FieldMap {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
  // fromEntries defines own properties, so a field named "__proto__" stays a field.
  return Object.fromEntries(pairs);
}

/** Runs a MULTI or pipeline and returns its replies, throwing the first command error. */
export async function execAll(batch: ChainableCommander): Promise<unknown[]> {
  const results = await batch.exec();
  if (!results) throw new Error('redis transaction was aborted');
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/** `XADD key MAXLEN ~ cap` arguments, the capped append every stream uses. */
export function capped(cap: number): ['MAXLEN', '~', number] {
  return ['MAXLEN', '~', cap];
}

/** Reads `key` backwards with XREVRANGE, `before` exclusive. */
export function readBackwards(redis: RedisClient, key: string): ReadBackwards {
  return async (before, count) =>
    toRawEntries(
      await redis.xrevrange(key, before === null ? '+' : `(${before}`, '-', 'COUNT', count),
    );
}
