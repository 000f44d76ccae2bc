export * from './ports';
export { createRedisBus } from './redis/redis-bus';
export {
  REDIS_URL_FORMS,
  redisModeSchema,
  redisUrlProblem,
  type RedisMode,
} from './redis/redis-address';
export { createMemoryBus } from './memory/memory-bus';
export { JSON_FIELD } from './codecs';
export { LogSequenceError } from './common/errors';
export { compareStreamIds, timeOfStreamId } from './common/stream-ids';
export { type RetentionBudget } from './common/retention';
