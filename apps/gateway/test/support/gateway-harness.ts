import { createRedisBus, type Bus, type RedisMode, type RetentionBudget } from '@flotilla/bus';
import { startRedis, type RedisHandle } from '@flotilla/testing';
import { loadGatewayConfig, type GatewayConfig } from '../../src/config/gateway.config';
import type { GatewayTuning } from '../../src/core/gateway-tuning';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../src/gateway-app';
import { TestClient } from './test-client';

/** Short timings so tests run quickly; the semantics are the production ones. */
export const TEST_TUNING: Partial<GatewayTuning> = {
  hostPollMs: 100,
  leaseRenewMs: 200,
  leaseTtlMs: 2_000,
  commandTimeoutMs: 1_500,
  drainCheckMs: 20,
  countsIntervalMs: 100,
};

/** A Redis for a harness: its URL in the form its `mode` reads (`single` when unset). */
export interface HarnessRedis {
  readonly url: string;
  readonly mode?: RedisMode;
  close(): Promise<void>;
}

export interface Harness<R extends HarnessRedis = RedisHandle> {
  redis: R;
  /** The test's own bus, playing the agents' part. */
  bus: Bus;
  gateways: RunningGateway[];
  clients: TestClient[];
  config: GatewayConfig;
  /** `REDIS_URL` and `REDIS_MODE` as the gateways read them, for agents and replica processes. */
  redisEnv: Record<string, string>;
  startReplica(options?: GatewayOptions): Promise<RunningGateway>;
  connect(
    replica: number | RunningGateway,
    options?: Parameters<typeof TestClient.connect>[1],
  ): Promise<TestClient>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  replicas?: number;
  tuning?: Partial<GatewayTuning>;
  env?: Record<string, string>;
  /** The byte budget of the streams the test writes as an agent (the bus's default if unset). */
  retention?: Partial<RetentionBudget>;
}

/** A private redis-server, a bus on it, and `replicas` gateway replicas. */
export function startHarness(options?: HarnessOptions): Promise<Harness>;
/** The same on the Redis given (which the harness closes), read in its `mode`. */
export function startHarness<R extends HarnessRedis>(
  options: HarnessOptions & { redis: R },
): Promise<Harness<R>>;
export async function startHarness(
  options: HarnessOptions & { redis?: HarnessRedis } = {},
): Promise<Harness<HarnessRedis>> {
  const redis: HarnessRedis = options.redis ?? (await startRedis());
  const redisEnv = { REDIS_URL: redis.url, REDIS_MODE: redis.mode ?? 'single' };
  const config = loadGatewayConfig({
    ...redisEnv,
    PORT: '0',
    LOG_LEVEL: 'warn',
    WEB_DIST: '/nonexistent/flotilla-web',
    ...options.env,
  });
  const bus = createRedisBus({
    url: redis.url,
    mode: config.redisMode,
    name: 'test-agent',
    retention: options.retention,
  });
  const harness: Harness<HarnessRedis> = {
    redis,
    bus,
    gateways: [],
    clients: [],
    config,
    redisEnv,
    async startReplica(extra: GatewayOptions = {}) {
      const gateway = await startGateway(config, {
        processMetrics: false,
        ...extra,
        tuning: { ...TEST_TUNING, ...options.tuning, ...extra.tuning },
      });
      harness.gateways.push(gateway);
      return gateway;
    },
    async connect(replica, connectOptions) {
      const gateway = typeof replica === 'number' ? harness.gateways[replica] : replica;
      const client = await TestClient.connect(gateway.url, connectOptions);
      harness.clients.push(client);
      // Forgotten once the test closes it: a harness holding every client would look like a leak.
      client.socket.on('disconnect', (reason) => {
        if (reason !== 'io client disconnect') return;
        const at = harness.clients.indexOf(client);
        if (at >= 0) harness.clients.splice(at, 1);
      });
      return client;
    },
    async close() {
      for (const client of harness.clients) client.close();
      await Promise.allSettled(harness.gateways.map((g) => g.close()));
      await bus.close();
      await redis.close();
    },
  };
  try {
    for (let i = 0; i < (options.replicas ?? 2); i++) await harness.startReplica();
  } catch (error: unknown) {
    await harness.close();
    throw error;
  }
  return harness;
}
