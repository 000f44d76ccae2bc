/**
 * `npm run fleet`: a whole Flotilla fleet on one machine, for trying replicas and several hosts
 * without a cluster. One process starts:
 *
 *   - a private redis-server on a free port (the fleet bus),
 *   - a second dockerd in a temporary folder (the second "host"),
 *   - two agents: `fleet-a` for the main engine (DOCKER_HOST), `fleet-b` for the second one,
 *   - two gateway replicas (ports 8081, 8082) over the Socket.IO Redis adapter,
 *   - a round-robin TCP load balancer on port 8080 in front of them,
 *
 * prints the URLs, and tears everything down on Ctrl-C / SIGTERM. Needs root (dockerd) and a
 * built web app (`npm run build:web`) for the page. `startFleet()` is importable for tests.
 */
import { Logger } from '@nestjs/common';
import {
  startLoadBalancer,
  startRedis,
  startSecondDockerd,
  type LoadBalancer,
  type RedisHandle,
  type SecondDockerd,
} from '@flotilla/testing';
import { FlotillaLogger } from '@flotilla/logging';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runUsersCli } from '../apps/gateway/src/auth/users-cli';
import type { AgentHandle } from '@flotilla/agent';
import type { GatewayTuning } from '../apps/gateway/src/core/gateway-tuning';
import type { RunningGateway } from '../apps/gateway/src/gateway-app';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt, GATEWAY_DIST } = require('./ensure-built') as {
  ensureBuilt(): void;
  GATEWAY_DIST: string;
};

/**
 * The apps as built (`npm run build`, done here when needed): Nest's injection needs the
 * decorator metadata tsc emits, which tsx's transpiler leaves out. The gateway's build holds
 * the agent's code too.
 */
function loadApps() {
  ensureBuilt();
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    // The agent's public entry, as the gateway's build holds it (standalone runs both).
    ...(require(`${GATEWAY_DIST}/docker-agent/src/index`) as typeof import('@flotilla/agent')),
    ...(require(
      `${GATEWAY_DIST}/gateway/src/config/gateway.config`,
    ) as typeof import('../apps/gateway/src/config/gateway.config')),
    ...(require(
      `${GATEWAY_DIST}/gateway/src/gateway-app`,
    ) as typeof import('../apps/gateway/src/gateway-app')),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

export interface FleetOptions {
  /** Load balancer port (default 8080; 0 picks a free one). */
  port?: number;
  /** Gateway replica ports (default 8081 and 8082; 0 picks free ones). */
  replicaPorts?: number[];
  /** The main engine, as DOCKER_HOST (default: the environment's, else /var/run/docker.sock). */
  dockerHost?: string;
  /** Host ids of the main and the second engine (default fleet-a, fleet-b). */
  hostIds?: [string, string];
  /** LOG_LEVEL of the parts (default log). */
  logLevel?: string;
  /** Built web app to serve (default dist/apps/web/browser). */
  webDist?: string;
  /** Gateway timings, e.g. a shorter `hostPollMs` so a new host shows at once in tests. */
  tuning?: Partial<GatewayTuning>;
  /** Users mode with this one admin (a users file and session secret of the fleet's own). */
  admin?: { user: string; password: string };
}

export interface Fleet {
  /** The load balancer: `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly replicaUrls: string[];
  readonly redis: RedisHandle;
  /** The second engine (host `fleet-b`); `secondEngine.docker` is a client for it. */
  readonly secondEngine: SecondDockerd;
  readonly agents: AgentHandle[];
  readonly gateways: RunningGateway[];
  readonly loadBalancer: LoadBalancer;
  /** Stops everything it started, in reverse order; safe to call twice. */
  close(): Promise<void>;
}

/** Starts the fleet; on a failure part-way, stops what was started and rethrows. */
export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const { startAgent, loadAgentConfig, startGateway, loadGatewayConfig } = loadApps();
  const logger = new Logger('Fleet');
  const [hostA, hostB] = options.hostIds ?? ['fleet-a', 'fleet-b'];
  const logLevel = options.logLevel ?? 'log';
  const cleanups: Array<() => Promise<unknown>> = [];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) =>
        logger.warn(`teardown: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  };
  try {
    const redis = await startRedis();
    cleanups.push(() => redis.close());
    logger.log(`redis-server on ${redis.url}`);

    const secondEngine = await startSecondDockerd();
    cleanups.push(() => secondEngine.close());
    logger.log(`second dockerd on unix://${secondEngine.socketPath}`);

    const agents: AgentHandle[] = [];
    const engines: Array<[string, string | undefined]> = [
      [hostA, options.dockerHost ?? process.env.DOCKER_HOST],
      [hostB, `unix://${secondEngine.socketPath}`],
    ];
    for (const [hostId, dockerHost] of engines) {
      const config = loadAgentConfig({
        REDIS_URL: redis.url,
        HOST_ID: hostId,
        DOCKER_HOST: dockerHost,
        LOG_LEVEL: logLevel,
      });
      const agent = await startAgent(config);
      cleanups.push(() => agent.stop());
      agents.push(agent);
    }

    let users: Record<string, string> = {};
    if (options.admin) {
      const { user, password } = options.admin;
      const dir = mkdtempSync(join(tmpdir(), 'flotilla-fleet-'));
      cleanups.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
      const file = join(dir, 'users.json');
      await runUsersCli(['add', user, '--role', 'admin', '--file', file], {}, () =>
        Promise.resolve(password),
      );
      users = {
        AUTH_MODE: 'users',
        USERS_FILE: file,
        SESSION_SECRET: randomBytes(32).toString('hex'),
      };
    }
    const gateways: RunningGateway[] = [];
    for (const port of options.replicaPorts ?? [8081, 8082]) {
      const config = loadGatewayConfig({
        REDIS_URL: redis.url,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: logLevel,
        WEB_DIST: options.webDist,
        ...users,
      });
      const gateway = await startGateway(config, { tuning: options.tuning });
      cleanups.push(() => gateway.close());
      gateways.push(gateway);
    }

    const loadBalancer = await startLoadBalancer(
      gateways.map((g) => g.port),
      '127.0.0.1',
      options.port ?? 8080,
    );
    cleanups.push(() => loadBalancer.close());

    let closing: Promise<void> | undefined;
    return {
      url: loadBalancer.url,
      replicaUrls: gateways.map((g) => g.url),
      redis,
      secondEngine,
      agents,
      gateways,
      loadBalancer,
      close: () => (closing ??= closeAll()),
    };
  } catch (error: unknown) {
    await closeAll();
    throw error;
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout
      .write(`Flotilla fleet on one machine: redis-server, a second dockerd, agents fleet-a and fleet-b,
two gateway replicas on 8081 and 8082, a round-robin load balancer on 8080.

Usage: npm run fleet [-- --users]   (as root, for dockerd; npm run build:web first for the page)

  --users      users mode: the fleet makes an admin with a random password and prints it

Environment:
  DOCKER_HOST  The main engine, for host fleet-a (default unix:///var/run/docker.sock)
  LOG_LEVEL    error | warn | log | debug | verbose (default log)
`);
    return;
  }
  const logLevel = (process.env.LOG_LEVEL ?? '').trim() || 'log';
  Logger.overrideLogger(new FlotillaLogger({ level: logLevel as 'log', app: 'fleet' }));
  const logger = new Logger('Fleet');
  const admin = process.argv.includes('--users')
    ? { user: 'admin', password: randomBytes(12).toString('base64url') }
    : undefined;
  const fleet = await startFleet({ logLevel, admin });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received, tearing the fleet down`);
    fleet.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const web = existsSync('dist/apps/web/browser/index.html')
    ? ''
    : '\n  (no web build: run npm run build:web for the page)';
  const login = admin
    ? `  log in as  ${admin.user} / ${admin.password}\n`
    : '  log in     not needed (AUTH_MODE=none: everyone on this machine is admin)\n';
  process.stdout.write(
    `\nFlotilla fleet running; Ctrl-C stops it.\n  open       ${fleet.url}\n${login}  replicas   ${fleet.replicaUrls.join('  ')}\n  redis      ${fleet.redis.url}\n  fleet-b    DOCKER_HOST=unix://${fleet.secondEngine.socketPath}${web}\n\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `flotilla fleet: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
