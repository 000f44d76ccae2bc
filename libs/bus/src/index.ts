export * from './ports';
export { createRedisBus, type RedisBusOptions } from './redis/redis-bus';
export {
  REDIS_MODES,
  REDIS_URL_FORMS,
  RedisAddressError,
  parseRedisAddress,
  parseRedisMode,
  redisModeSchema,
  redisUrlProblem,
  type RedisAddress,
  type RedisMode,
} from './redis/redis-address';
export { createMemoryBus, type MemoryBusOptions } from './memory/memory-bus';
export { JSON_FIELD, type FieldMap, type RawStreamEntry } from './codecs';
export { LogSequenceError, BusClosedError } from './common/errors';
export type { BusLogger } from './common/logger';
export { compareStreamIds, timeOfStreamId } from './common/stream-ids';
export { DEFAULT_RETENTION, type RetentionBudget } from './common/retention';
