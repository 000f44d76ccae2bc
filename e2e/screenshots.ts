/**
 * Screenshots of the dashboard for the docs, taken from the real stack: two private dockerds as
 * two hosts (so only these containers are listed), an agent on each, two gateway replicas
 * behind the load balancer, Chromium at 1280×800.
 *
 *   node -r ./apps/gateway/test/support/ts-hook.js e2e/screenshots.ts
 *
 * Writes docs/screenshots/fleet.png, logs.png and phone.png (390×844).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  SLEEP_FOREVER,
  shellQuote,
  startSecondDockerd,
  waitFor,
  waitForContainerExit,
  type SecondDockerd,
  type TestContainers,
} from '@flotilla/testing';
import {
  containerRow,
  openDashboard,
  waitForLogCount,
  waitForStreaming,
} from './support/dashboard';
import { startStack, type Stack } from './support/stack';
import { REPO_ROOT, ensureWebBuild } from './support/web-build';

const OUT = join(REPO_ROOT, 'docs/screenshots');
const ESC = '\\033';

/** A shell `printf` of one line, ANSI escapes allowed (`${ESC}[32m`). */
const say = (line: string, stream: 'out' | 'err' = 'out'): string =>
  `printf ${shellQuote(`${line}\\n`)}${stream === 'err' ? ' 1>&2' : ''}`;

/** An API server's log: levels in colour, warnings and errors on stderr, JSON, access lines. */
const apiLog = [
  say(`${ESC}[32mINFO${ESC}[0m  starting shop-api 1.14.2 (node 20.19)`),
  say(`${ESC}[32mINFO${ESC}[0m  connected to postgres://orders-db:5432/shop (pool 10)`),
  say(`${ESC}[36mDEBUG${ESC}[0m cache warm-up: 1204 keys in 180 ms`),
  say(`${ESC}[32mINFO${ESC}[0m  listening on :8080`),
  `i=1; while [ $i -le 9 ]; do ` +
    `printf '10.0.3.%d - - "GET /api/products?page=%d HTTP/1.1" 200 %d 12ms\\n' $((i+20)) $i $((1800+i*37)); ` +
    `printf '10.0.3.%d - - "GET /api/cart HTTP/1.1" 200 412 4ms\\n' $((i+40)); ` +
    `if [ $i -eq 3 ]; then ${say(`${ESC}[33mWARN${ESC}[0m  slow query (812 ms): SELECT * FROM orders WHERE customer_id = $1`, 'err')}; fi; ` +
    `if [ $i -eq 5 ]; then ${say('{"level":"info","msg":"order created","order_id":4211,"items":3,"total":59.9}')}; fi; ` +
    `if [ $i -eq 6 ]; then ${say(`${ESC}[31mERROR${ESC}[0m payment provider timeout after 5000 ms (order 4212), retrying`, 'err')}; fi; ` +
    `if [ $i -eq 7 ]; then ${say(`${ESC}[32mINFO${ESC}[0m  payment captured for order 4212 on retry 1`)}; fi; ` +
    `i=$((i+1)); sleep 0.05; done`,
  say(
    `${ESC}[1;31mERROR${ESC}[0m inventory service unreachable: connect ECONNREFUSED 10.0.4.7:9000`,
    'err',
  ),
  say(`${ESC}[33mWARN${ESC}[0m  serving cached stock levels (age 42 s)`, 'err'),
  say('10.0.3.61 - - "POST /api/orders HTTP/1.1" 201 88 31ms'),
  say('{"level":"info","msg":"order created","order_id":4213,"items":1,"total":12.5}'),
  say('10.0.3.62 - - "GET /api/orders/4213 HTTP/1.1" 200 640 6ms'),
].join('; ');

/** Busy for `n` shell loop turns: some CPU use for the sparklines to show. */
const burn = (n: number | string): string => `j=0; while [ $j -lt ${n} ]; do j=$((j+1)); done`;
/** Prints an access line every second, with a little work for each. */
const webLog = `i=1; while true; do printf '10.0.2.%d - - "GET / HTTP/1.1" 200 5120 2ms\\n' $((i%50+10)); ${burn(20_000)}; sleep 1; i=$((i+1)); done`;
/** Jobs of varying size, one after another. */
const workerLog = `i=1; while true; do ${burn('$(( (i % 5 + 1) * 40000 ))')}; printf 'job %d done\\n' $i; sleep 0.5; i=$((i+1)); done`;

async function main(): Promise<void> {
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  ensureWebBuild(out);
  mkdirSync(OUT, { recursive: true });
  const engines: SecondDockerd[] = [];
  let stack: Stack | undefined;
  try {
    engines.push(await startSecondDockerd(), await startSecondDockerd());
    stack = await startStack({
      hosts: [
        {
          hostId: 'docker-host-1',
          dockerHost: `unix://${engines[0].socketPath}`,
          docker: engines[0].docker,
          labels: 'region=eu-west,role=app',
        },
        {
          hostId: 'docker-host-2',
          dockerHost: `unix://${engines[1].socketPath}`,
          docker: engines[1].docker,
          labels: 'region=eu-west,role=data',
        },
      ],
    });
    const [one, two] = stack.hosts.map((h) => h.containers) as [TestContainers, TestContainers];
    const app = { labels: { app: 'shop', 'com.docker.compose.project': 'shop' } };
    const api = await one.create(`${apiLog}; ${SLEEP_FOREVER}`, { name: 'shop-api', ...app });
    await one.create(webLog, { name: 'shop-web', ...app });
    await one.create(workerLog, { name: 'shop-worker', ...app });
    const thumbs = await one.create(
      `${say('thumbnailer: cannot open /data/in: No such file or directory', 'err')}; exit 1`,
      { name: 'thumbnailer', ...app },
    );
    await one.create(SLEEP_FOREVER, { name: 'cron-nightly', autoStart: false, ...app });
    await two.create(`${say('database system is ready to accept connections')}; ${SLEEP_FOREVER}`, {
      name: 'orders-db',
      labels: { app: 'shop', 'com.docker.compose.project': 'shop' },
    });
    await two.create(`${say('Ready to accept connections tcp')}; ${SLEEP_FOREVER}`, {
      name: 'cache',
      labels: { app: 'shop', 'com.docker.compose.project': 'shop' },
    });
    const backup = await two.create(`${say('backup: 3 databases, 412 MB, done')}; exit 0`, {
      name: 'backup',
      labels: { app: 'ops', 'com.docker.compose.project': 'ops' },
    });
    const exporter = await two.create(SLEEP_FOREVER, {
      name: 'metrics-exporter',
      labels: { app: 'ops', 'com.docker.compose.project': 'ops' },
    });
    await exporter.pause();
    await waitForContainerExit(thumbs);
    await waitForContainerExit(backup);

    const page = await stack.newPage({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'dark',
    });
    await openDashboard(page, stack.url, '/');
    await waitFor(async () => (await page.getByTestId('container-row').count()) === 9, {
      timeoutMs: 20_000,
      message: 'nine containers listed',
    });
    // Both engines are up: a host still flagged "Docker unreachable" would be a stale flag.
    await waitFor(async () => (await page.locator('.host-status--warning').count()) === 0, {
      timeoutMs: 10_000,
      message: 'no host flagged "Docker unreachable"',
    });
    await containerRow(page, exporter.id)
      .and(page.locator('[data-state="paused"]'))
      .waitFor({ timeout: 10_000 });
    // Stats of the running rows: a few samples each, so the sparklines have a line to draw.
    await page.waitForFunction(
      () => {
        const lines = [...document.querySelectorAll('[data-testid="sparkline-cpu"] polyline')];
        return (
          lines.length >= 5 &&
          lines.every((l) => (l.getAttribute('points') ?? '').trim().split(/\s+/).length >= 20)
        );
      },
      undefined,
      { timeout: 60_000, polling: 500 },
    );
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(OUT, 'fleet.png') });
    out(`wrote ${join(OUT, 'fleet.png')}`);

    await openDashboard(page, stack.url, `/logs/docker-host-1/${api.id}`);
    await waitForLogCount(page, 30, 20_000);
    await waitForStreaming(page);
    await page
      .getByTestId('log-line')
      .filter({ hasText: 'order_id":4213' })
      .waitFor({ timeout: 10_000 });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(OUT, 'logs.png') });
    out(`wrote ${join(OUT, 'logs.png')}`);

    // A phone, the fleet grouped by compose stack: actions behind each row's menu.
    const phone = await stack.newPage({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      colorScheme: 'light',
    });
    await openDashboard(phone, stack.url, '/?group=stack');
    await waitFor(async () => (await phone.getByTestId('container-row').count()) === 9, {
      timeoutMs: 20_000,
      message: 'nine containers listed on the phone',
    });
    await phone.screenshot({ path: join(OUT, 'phone.png') });
    out(`wrote ${join(OUT, 'phone.png')}`);
  } finally {
    await stack?.close().catch((error: unknown) => out(String(error)));
    await Promise.allSettled(engines.map((e) => e.close()));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
