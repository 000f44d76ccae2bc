/** @flotilla/testing: real Redis and Docker engines, containers and waits for Flotilla's tests. */
export { waitFor, waitForEvent, type WaitForOptions, type OnceEmitter } from './wait';
export { freePort } from './ports';
export { retainedBytes } from './heap';
export { seededRandom } from './seeded-random';
export { runEntryPoint, type EntryPointOptions, type EntryProcess } from './entry-process';
export { startRedis, pingRedis, type RedisHandle, type RedisOptions } from './redis-server';
export { startRedisCluster, type RedisClusterHandle } from './redis-cluster';
export { startRedisSentinel, type RedisSentinelHandle } from './redis-sentinel';
export { TEST_IMAGE, dockerEngine, dockerEngineAt, dockerStatus } from './docker-engine';
export { ensureTestImage, hasImage } from './test-image';
export {
  startSecondDockerd,
  type SecondDockerd,
  type SecondDockerdOptions,
} from './second-dockerd';
export {
  TEST_LABEL,
  OWNER_LABEL,
  testContainers,
  useTestContainers,
  sweepStaleTestContainers,
  type TestContainers,
  type TestContainerOptions,
  type UseTestContainersOptions,
} from './test-containers';
export {
  demuxDockerLog,
  toLines,
  readContainerLog,
  readContainerLines,
  waitForContainerExit,
  type ContainerOutput,
} from './container-logs';
export {
  shellQuote,
  expectedLines,
  withoutTimestamp,
  printLines,
  printLinesToStderr,
  floodLines,
  printLinesThenWait,
  printLinesThenExit,
  ticker,
  SLEEP_FOREVER,
} from './scripts';
export { startLoadBalancer, type LoadBalancer } from './load-balancer';
export { WebhookReceiver, type ReceivedPost } from './webhook-receiver';
