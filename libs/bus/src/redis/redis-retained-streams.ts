import { RedisKeys } from '@flotilla/contracts';
import type { RedisClient } from './connections';
import type { FieldMap, RawStreamEntry } from '../codecs';
import { TOTAL_FIELD, type Added, type RetainedStreams } from '../common/retention';
import { execAll, toRawEntries } from './replies';

/** Retention's store over Redis: each append and its counts in one MULTI. */
export class RedisRetainedStreams implements RetainedStreams {
  constructor(private readonly redis: RedisClient) {}

  async add(
    hostId: string,
    key: string,
    field: string,
    id: string,
    fields: FieldMap,
    bytes: number,
  ): Promise<Added> {
    const counts = RedisKeys.retained(hostId);
    const results = await this.redis
      .multi()
      .xadd(key, id, ...Object.entries(fields).flat())
      .hincrby(counts, field, bytes)
      .hincrby(counts, TOTAL_FIELD, bytes)
      .xlen(key)
      .exec();
    if (!results) throw new Error('redis transaction was aborted');
    const [[addError, added], [, streamBytes], [, hostBytes], [, length]] = results;
    if (addError) {
      // A refused XADD (an id out of sequence) does not abort the others: take its bytes back.
      await execAll(
        this.redis.multi().hincrby(counts, field, -bytes).hincrby(counts, TOTAL_FIELD, -bytes),
      );
      throw addError;
    }
    return {
      id: added as string,
      streamBytes: Number(streamBytes),
      hostBytes: Number(hostBytes),
      length: Number(length),
    };
  }

  async measure(
    hostId: string,
    key: string,
    field: string,
  ): Promise<{ bytes: number; length: number }> {
    const [bytes, length] = await execAll(
      this.redis.multi().hget(RedisKeys.retained(hostId), field).xlen(key),
    );
    return { bytes: Number(bytes ?? 0), length: Number(length) };
  }

  async oldest(key: string, count: number): Promise<RawStreamEntry[]> {
    return toRawEntries(await this.redis.xrange(key, '-', '+', 'COUNT', count));
  }

  async cut(
    hostId: string,
    key: string,
    field: string,
    minId: string,
    bytes: number,
  ): Promise<void> {
    const counts = RedisKeys.retained(hostId);
    await execAll(
      this.redis
        .multi()
        .xtrim(key, 'MINID', minId)
        .hincrby(counts, field, -bytes)
        .hincrby(counts, TOTAL_FIELD, -bytes),
    );
  }

  async counts(hostId: string): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(RedisKeys.retained(hostId));
    return Object.fromEntries(Object.entries(raw).map(([field, value]) => [field, Number(value)]));
  }

  async remove(
    hostId: string,
    streams: { key: string; field: string; bytes: number }[],
  ): Promise<void> {
    const counts = RedisKeys.retained(hostId);
    const freed = streams.reduce((sum, s) => sum + s.bytes, 0);
    await execAll(
      this.redis
        .multi()
        .del(...streams.map((s) => s.key))
        .hdel(counts, ...streams.map((s) => s.field))
        .hincrby(counts, TOTAL_FIELD, -freed),
    );
  }
}
