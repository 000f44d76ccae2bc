/**
 * One `load_earlier` page deep in a large Docker log, read two ways in one run: the whole log
 * from its start up to the page (how every page was read before), and through windows that widen
 * from the page back (`lastBefore`: 1 min, 10 min, 1 h, 1 day, then the whole log).
 *
 * A private redis-server, an agent in this process on the default Docker engine, and the
 * gateway's `DockerHistory` over a Redis bus. One busybox container writes LINES lines at once,
 * waits GAP_S seconds, then writes 300 more. Two pages of 200 lines, ROUNDS times each way:
 *   recent: the 200 lines before the last one (within the last minute);
 *   burst:  the 200 lines before the first of the 300 (the end of the big burst).
 * Both ways must answer the same lines.
 *
 * Run: node -r ./apps/gateway/test/support/ts-hook.js bench/earlier-page.ts \
 *        [LINES=1000000] [GAP_S=70] [ROUNDS=3]
 */
import { loadAgentConfig, silentLogger, startAgent } from '@flotilla/agent';
import { createRedisBus } from '@flotilla/bus';
import { dockerTime, type Container } from '@flotilla/contracts';
import { demuxDockerLog, startRedis, testContainers, waitFor } from '@flotilla/testing';
import { ANONYMOUS_ADMIN } from '../apps/gateway/src/auth/principal';
import {
  DockerHistory,
  lastBefore,
  type HistoryLine,
  type HistoryRead,
} from '../apps/gateway/src/logs/docker-history';
import { justBefore } from '../apps/gateway/src/logs/log-slicing';
import { setting } from './gateway-bench-kit';

const LINES = Number(setting('LINES', '1000000'));
const GAP_S = Number(setting('GAP_S', '70'));
const ROUNDS = Number(setting('ROUNDS', '3'));
const PAGE = 200;

async function main(): Promise<void> {
  const redis = await startRedis();
  const hostId = `earlier-${process.pid}`;
  const agent = await startAgent(
    loadAgentConfig({ REDIS_URL: redis.url, HOST_ID: hostId, LOG_LEVEL: 'error' }),
    { logger: silentLogger },
  );
  const bus = createRedisBus({ url: redis.url, mode: 'single', name: 'bench-gateway' });
  const containers = testContainers();
  try {
    const c = await containers.create(
      `seq 1 ${LINES} | sed 's/^/burst line of an ordinary length, number /'; sleep ${GAP_S}; ` +
        `seq 1 300 | sed 's/^/recent /'; sleep 3600`,
    );
    const written = Date.now();
    await waitFor(
      async () =>
        (await c.logs({ stdout: true, tail: 1, timestamps: false }))
          .toString()
          .includes('recent 300'),
      { timeoutMs: (GAP_S + 600) * 1_000, intervalMs: 1_000, message: 'the log written' },
    );
    const container = await waitFor<Container | null>(() => bus.snapshots.get(hostId, c.id), {
      timeoutMs: 20_000,
      message: 'the container in the snapshot',
    });
    if (!container) throw new Error('the container is not in the snapshot');
    const tail = await c.logs({ stdout: true, timestamps: true, tail: 301 });
    const stamped = demuxDockerLog(tail)
      .stdout.split('\n')
      .map((l) => l.split(' ')[0])
      .filter((t) => t.length > 0);
    const history = new DockerHistory(bus);
    const read = (r: HistoryRead): Promise<HistoryLine[]> =>
      history.read(ANONYMOUS_ADMIN, container, r, new AbortController().signal);
    const pages = {
      recent: justBefore(dockerTime(stamped[stamped.length - 1]) as string),
      burst: justBefore(dockerTime(stamped[1]) as string),
    };
    console.log(
      `${LINES.toLocaleString('en')} + 300 lines, written in ${((Date.now() - written) / 1_000).toFixed(0)} s (gap ${GAP_S} s)`,
    );
    for (const [name, until] of Object.entries(pages)) {
      for (let round = 1; round <= ROUNDS; round++) {
        const t0 = performance.now();
        const whole = await read({ since: null, until, limit: PAGE + 1, last: true });
        const t1 = performance.now();
        const widened = await lastBefore(read, until, PAGE + 1);
        const t2 = performance.now();
        const same = JSON.stringify(whole) === JSON.stringify(widened);
        console.log(
          `${name} page, round ${round}: whole log ${(t1 - t0).toFixed(0)} ms, ` +
            `widening windows ${(t2 - t1).toFixed(0)} ms, same lines: ${same} ` +
            `(${widened[0]?.line} … ${widened[widened.length - 1]?.line})`,
        );
        if (!same) process.exitCode = 1;
      }
    }
  } finally {
    await containers.removeAll();
    await agent.stop();
    await bus.close();
    await redis.close();
  }
}

void main();
