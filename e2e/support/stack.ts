/**
 * The whole of Flotilla, for real, in one process: a private redis-server, one docker agent per
 * host (in-process `startAgent`; by default one on the main dockerd), gateway replicas
 * (in-process `startGateway`, serving a private copy of the built web app) behind a TCP load
 * balancer, and Chromium. `close()` tears everything down, whatever state it is in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashSync } from 'bcryptjs';
import type Docker from 'dockerode';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import {
  dockerEngine,
  ensureTestImage,
  startRedis,
  sweepStaleTestContainers,
  testContainers,
  waitFor,
  type RedisHandle,
  type TestContainers,
} from '@flotilla/testing';
import { startAgent, type AgentHandle } from '@flotilla/agent';
import { loadAgentConfig } from '@flotilla/agent';
import { silentLogger } from '@flotilla/agent';
import { loadGatewayConfig } from '../../apps/gateway/src/config/gateway.config';
import type { GatewayTuning } from '../../apps/gateway/src/core/gateway-tuning';
import { startGateway, type RunningGateway } from '../../apps/gateway/src/gateway-app';
import { startLoadBalancer, type LoadBalancer } from './load-balancer';
import { snapshotWebBuild } from './web-build';

export const CHROMIUM_PATH = process.env.FLOTILLA_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/**
 * Production timings, except that replicas look for new hosts every 250 ms instead of every
 * heartbeat (2 s), so a freshly started agent shows up without a wait.
 */
export const E2E_TUNING: Partial<GatewayTuning> = { hostPollMs: 250 };

export interface HostSpec {
  hostId: string;
  /** The engine the agent watches, as DOCKER_HOST (default: the main dockerd). */
  dockerHost?: string;
  /** The same engine, for creating test containers (default: the main dockerd). */
  docker?: Docker;
  /** HOST_LABELS, e.g. `region=eu-west,role=web`. */
  labels?: string;
}

/** An account of the users file `AUTH_MODE=users` reads. */
export interface StackUser {
  user: string;
  role: 'viewer' | 'operator' | 'admin';
  password: string;
  /** The users file's scopes (default: every host and container). */
  scopes?: { hosts?: string[]; containers?: string[]; labels?: Record<string, string> };
}

export interface StackOptions {
  hosts?: HostSpec[];
  /** Users mode: the gateways require a login, with these accounts (default: no logins). */
  users?: StackUser[];
  replicas?: number;
  tuning?: Partial<GatewayTuning>;
  /** Launch Chromium (default true). */
  browser?: boolean;
}

export interface StackHost {
  hostId: string;
  agent: AgentHandle;
  /** Labelled busybox containers on this host's engine, removed by `close()`. */
  containers: TestContainers;
}

export interface Stack {
  redis: RedisHandle;
  hosts: StackHost[];
  /** The first host's id, agent and containers. */
  hostId: string;
  agent: AgentHandle;
  containers: TestContainers;
  docker: Docker;
  gateways: RunningGateway[];
  lb: LoadBalancer;
  /** The one URL of the dashboard: the load balancer's. */
  url: string;
  browser: Browser;
  /** Errors thrown in any page (uncaught exceptions), with the page's URL. */
  pageErrors: string[];
  /** A page in a fresh context (its own storage); closed by `close()` if not before. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /**
   * Waits until the first host's agent has published a container (the gateways resolve the
   * containers pages ask for in those snapshots): open its page only then.
   */
  known(containerId: string): Promise<void>;
  /** The replica a page's socket is connected to, from the gateway id the page was told. */
  replicaOf(page: Page): Promise<RunningGateway>;
  /** Crash-like stop of a replica: its connections cut, leases left to expire, nothing released. */
  killReplica(gateway: RunningGateway): Promise<void>;
  /** Starts one more replica like the others and puts it behind the load balancer. */
  addReplica(): Promise<RunningGateway>;
  close(): Promise<void>;
}

/** Runs every step, even after one fails; reports all failures at the end. */
async function teardown(steps: [string, () => unknown][]): Promise<void> {
  const failures: string[] = [];
  for (const [what, step] of steps) {
    try {
      await Promise.race([
        step(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('timed out after 20 s')), 20_000).unref(),
        ),
      ]);
    } catch (error: unknown) {
      failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length > 0) throw new Error(`teardown failed: ${failures.join('; ')}`);
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const hostSpecs = options.hosts ?? [{ hostId: 'e2e-host' }];
  let webDir: string | undefined;
  let redis: RedisHandle | undefined;
  let lb: LoadBalancer | undefined;
  let browser: Browser | undefined;
  let gatewayConfig: ReturnType<typeof loadGatewayConfig> | undefined;
  let usersDir: string | undefined;
  const hosts: StackHost[] = [];
  const managers: TestContainers[] = [];
  const gateways: RunningGateway[] = [];
  const contexts = new Set<BrowserContext>();
  const pageErrors: string[] = [];
  let closing: Promise<void> | undefined;

  const close = (): Promise<void> =>
    (closing ??= teardown([
      [
        'browser',
        async () => {
          await Promise.allSettled([...contexts].map((c) => c.close()));
          await browser?.close();
        },
      ],
      ['load balancer', () => lb?.close()],
      [
        'containers',
        async () => {
          const failures = (await Promise.all(managers.map((m) => m.removeAll()))).flat();
          if (failures.length > 0) throw new Error(failures.join(', '));
        },
      ],
      ['agents', () => Promise.all(hosts.map((h) => h.agent.stop()))],
      ['gateways', () => Promise.all(gateways.map((g) => g.close()))],
      ['redis', () => redis?.close()],
      ['web copy', () => webDir && rmSync(webDir, { recursive: true, force: true })],
      ['users file', () => usersDir && rmSync(usersDir, { recursive: true, force: true })],
    ]));

  try {
    webDir = snapshotWebBuild();
    redis = await startRedis();
    for (const spec of hostSpecs) {
      const docker = spec.docker ?? dockerEngine();
      await sweepStaleTestContainers(docker);
      await ensureTestImage(docker);
      const containers = testContainers(docker);
      managers.push(containers);
      const agent = await startAgent(
        loadAgentConfig({
          REDIS_URL: redis.url,
          HOST_ID: spec.hostId,
          LOG_LEVEL: 'error',
          ...(spec.dockerHost ? { DOCKER_HOST: spec.dockerHost } : {}),
          ...(spec.labels ? { HOST_LABELS: spec.labels } : {}),
        }),
        { logger: silentLogger },
      );
      hosts.push({ hostId: spec.hostId, agent, containers });
      // Online, and following the engine's events (so new containers get published).
      await waitFor(
        async () =>
          agent.hostInfo().engine.reachable &&
          (await agent.bus.hosts.get(spec.hostId))?.online === true,
        { timeoutMs: 15_000, message: `agent ${spec.hostId} online with its engine reachable` },
      );
    }
    let auth: Record<string, string> = {};
    if (options.users) {
      usersDir = mkdtempSync(join(tmpdir(), 'flotilla-e2e-users-'));
      const file = join(usersDir, 'users.json');
      // bcrypt cost 4: a login takes milliseconds, as the tests need, not the production 12.
      const records = options.users.map(({ user, role, password, scopes }) => ({
        user,
        role,
        hash: hashSync(password, 4),
        ...(scopes ? { scopes } : {}),
      }));
      writeFileSync(file, JSON.stringify(records));
      auth = {
        AUTH_MODE: 'users',
        USERS_FILE: file,
        SESSION_SECRET: randomBytes(32).toString('hex'),
      };
    }
    gatewayConfig = loadGatewayConfig({
      REDIS_URL: redis.url,
      PORT: '0',
      LOG_LEVEL: 'error',
      WEB_DIST: webDir,
      ...auth,
    });
    for (let i = 0; i < (options.replicas ?? 2); i++) {
      gateways.push(
        await startGateway(gatewayConfig, {
          processMetrics: false,
          replicaId: `gw-e2e-${i + 1}-${process.pid}`,
          tuning: { ...E2E_TUNING, ...options.tuning },
        }),
      );
    }
    lb = await startLoadBalancer(gateways.map((g) => g.port));
    if (options.browser ?? true) {
      browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: CHROMIUM_ARGS,
        timeout: 30_000,
      });
    }
  } catch (error: unknown) {
    await close().catch(() => undefined);
    throw error;
  }

  const balancer = lb;
  const config = gatewayConfig;
  const [first] = hosts;
  return {
    redis,
    hosts,
    hostId: first.hostId,
    agent: first.agent,
    containers: first.containers,
    docker: first.containers.docker,
    gateways,
    lb: balancer,
    url: balancer.url,
    get browser(): Browser {
      if (!browser) throw new Error('this stack was started without a browser');
      return browser;
    },
    pageErrors,
    async newPage(contextOptions = {}) {
      if (!browser) throw new Error('this stack was started without a browser');
      const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        acceptDownloads: true,
        ...contextOptions,
      });
      contexts.add(context);
      context.on('close', () => contexts.delete(context));
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
      return page;
    },
    async known(containerId) {
      await waitFor(
        async () => (await first.agent.bus.snapshots.get(first.hostId, containerId)) !== null,
        {
          timeoutMs: 15_000,
          message: `the agent to publish container ${containerId.slice(0, 12)}`,
        },
      );
    },
    async replicaOf(page) {
      const pill = page.getByTestId('connection-state');
      await pill.and(page.locator('[data-state="connected"]')).waitFor({ timeout: 15_000 });
      const serverId = await waitFor(
        async () => /gateway (\S+)/.exec((await pill.getAttribute('title')) ?? '')?.[1],
        { timeoutMs: 10_000, message: 'the page to name its gateway' },
      );
      const gateway = gateways.find((g) => g.replicaId === serverId);
      if (!gateway)
        throw new Error(
          `the page is connected to ${serverId}, not one of ${gateways.map((g) => g.replicaId).join(', ')}`,
        );
      return gateway;
    },
    killReplica: (gateway) => gateway.kill(),
    async addReplica() {
      const gateway = await startGateway(config, {
        processMetrics: false,
        replicaId: `gw-e2e-${gateways.length + 1}-${process.pid}`,
        tuning: { ...E2E_TUNING, ...options.tuning },
      });
      gateways.push(gateway);
      balancer.setBackends([...balancer.backends(), gateway.port]);
      return gateway;
    },
    close,
  };
}

/**
 * Jest wrapper: starts the stack before the file's tests and closes it after them, pass or fail.
 * Returns a getter (the stack exists only once `beforeAll` has run).
 */
export function useStack(options: StackOptions = {}): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack(options);
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  }, 120_000);
  return () => {
    if (!stack) throw new Error('the stack is not running (did beforeAll fail?)');
    return stack;
  };
}
