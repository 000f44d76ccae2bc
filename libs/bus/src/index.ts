export * from './ports';
export { createRedisBus, type RedisBusOptions } from './redis/redis-bus';
export { createMemoryBus, type MemoryBusOptions } from './memory/memory-bus';
export { JSON_FIELD, type FieldMap, type RawStreamEntry } from './codecs';
export { LogSequenceError, BusClosedError } from './common/errors';
export type { BusLogger } from './common/logger';
export { compareStreamIds, timeOfStreamId } from './common/stream-ids';
export { DEFAULT_RETENTION, type RetentionBudget } from './common/retention';
