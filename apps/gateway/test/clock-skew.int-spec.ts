import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ticker, useTestContainers, waitFor } from '@flotilla/testing';
import { uniqueHostId } from './support/fleet-fixtures';
import { startHarness, type Harness } from './support/gateway-harness';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '../../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const AGENT_MAIN = join(ROOT, 'apps/docker-agent/src/main.ts');
const CLOCK_OFFSET = join(ROOT, 'apps/docker-agent/test/support/clock-offset.js');

/** An agent process (`npm run start:agent`) whose wall clock is `offsetMs` off the gateway's. */
function startSkewedAgent(redisUrl: string, hostId: string, offsetMs: number): ChildProcess {
  const child = spawn(TSX, [AGENT_MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL: redisUrl,
      HOST_ID: hostId,
      LOG_LEVEL: 'warn',
      NODE_OPTIONS: `--require ${CLOCK_OFFSET}`,
      FLOTILLA_TEST_CLOCK_OFFSET_MS: String(offsetMs),
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function stopAgent(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

describe('hosts whose clocks are off (real agent process, real Redis, real gateway)', () => {
  const containers = useTestContainers(undefined, { cleanup: 'afterEach' });
  let h: Harness;
  const agents: ChildProcess[] = [];

  beforeAll(async () => {
    // Short leases and command deadlines (2 s, 5 s): a 15 s skew would expire every one of them.
    h = await startHarness({ replicas: 1, tuning: { commandTimeoutMs: 5_000 } });
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map(stopAgent));
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each([
    ['ahead', 15_000],
    ['behind', -15_000],
  ])('an agent 15 s %s serves logs, stats and commands', async (_label, offsetMs) => {
    const hostId = uniqueHostId('skew');
    agents.push(startSkewedAgent(h.redis.url, hostId, offsetMs));
    await waitFor(async () => (await h.bus.hosts.get(hostId))?.online === true, {
      timeoutMs: 30_000,
      message: 'skewed agent online',
    });
    const c = await containers.create(ticker('tick', 0.1));
    await waitFor(async () => (await h.bus.snapshots.get(hostId, c.id)) !== null, {
      timeoutMs: 10_000,
      message: 'container known',
    });
    const client = await h.connect(0);

    await client.request('start_log_stream', { container_id: c.id, host_id: hostId });
    const lines = await client.waitForLines(c.id, 10, 20_000);
    expect(lines[0]).toMatch(/ tick \d+$/);

    expect(
      await client.request('subscribe_stats', { container_id: c.id, host_id: hostId }),
    ).toEqual({ status: 'ok' });
    await client.waitFor('stats_update', (s) => s.container_id === c.id, 20_000);

    // Running already: Docker answers 304, so this is quick, and it proves the agent ran it.
    expect(
      await client.request(
        'container_action',
        { container_id: c.id, host_id: hostId, action: 'start' },
        10_000,
      ),
    ).toEqual({ status: 'ok', action: 'start', unchanged: true });
  });
});
