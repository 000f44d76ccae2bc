import { randomBytes } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { SLEEP_FOREVER, startSecondDockerd, waitFor, type SecondDockerd } from '@flotilla/testing';
import { connectionState, containerRow, openDashboard } from './support/dashboard';
import { startStack, type Stack } from './support/stack';

/** Stays up; `docker stop` ends it cleanly (exit 0) within a second. */
const CLEAN_STOP = `trap 'exit 0' TERM; while true; do sleep 1; done`;

const CLOCK = /\d\d:\d\d:\d\d/;

/**
 * Records, from the first load of every document of the page's context, the kind and text of
 * every notice that ever appears (notices fade: one shown for a second must not be missed), into
 * `window.__notices` as `kind: text`.
 */
async function recordNotices(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen = new WeakSet<Node>();
    const notices: string[] = [];
    (window as unknown as { __notices: string[] }).__notices = notices;
    const check = (): void => {
      for (const el of document.querySelectorAll('[data-testid="notification"]')) {
        if (seen.has(el)) continue;
        seen.add(el);
        const text = el.querySelector('[data-testid="notification-message"]')?.textContent;
        notices.push(`${el.getAttribute('data-kind') ?? '?'}: ${text?.trim() ?? ''}`);
      }
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true });
  });
}

function noticesSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window as unknown as { __notices: string[] }).__notices]);
}

/** Every Socket.IO frame the page sent and received, on every socket it opened. */
function recordFrames(page: Page): { sent: string[]; received: string[] } {
  const frames = { sent: [] as string[], received: [] as string[] };
  const text = (payload: string | Buffer): string =>
    typeof payload === 'string' ? payload : payload.toString('utf8');
  page.on('websocket', (ws) => {
    ws.on('framesent', ({ payload }) => frames.sent.push(text(payload)));
    ws.on('framereceived', ({ payload }) => frames.received.push(text(payload)));
  });
  return frames;
}

/** Server `error` events and error acks among received frames. */
function errorFrames(received: string[]): string[] {
  return received.filter((f) => /^42\["error"/.test(f) || /^43\d+\[\{"status":"error"/.test(f));
}

/** Shows only the containers whose name starts with `prefix`. */
async function filterByName(page: Page, prefix: string): Promise<void> {
  await page.getByTestId('fleet-search').fill(`name:${prefix}`);
}

/** Whether two boxes share any area. */
function overlaps(
  a: { x: number; y: number; width: number; height: number },
  b: { x: number; y: number; width: number; height: number },
): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * Asserts that no notice covers the fleet list (wherever its rows may scroll) nor any button or
 * link of a rendered container row.
 */
async function expectNoticesClearOfRows(page: Page): Promise<void> {
  const list = await page.getByTestId('fleet-list').boundingBox();
  expect(list).not.toBeNull();
  const notices = await page.getByTestId('notification').all();
  const controls = await page
    .locator('[data-testid="container-row"] button, [data-testid="container-row"] a')
    .all();
  expect(notices.length).toBeGreaterThan(0);
  expect(controls.length).toBeGreaterThan(0);
  for (const notice of notices) {
    const n = await notice.boundingBox();
    if (!n) continue;
    if (list) expect(overlaps(n, list)).toBe(false);
    for (const control of controls) {
      const c = await control.boundingBox();
      if (c && c.width > 0 && c.height > 0) expect(overlaps(n, c)).toBe(false);
    }
  }
}

async function waitForText(locator: Locator, re: RegExp, what: string): Promise<string> {
  return waitFor(
    async () => {
      const text = (await locator.textContent({ timeout: 5_000 }).catch(() => null)) ?? '';
      return re.test(text) ? text : null;
    },
    { timeoutMs: 20_000, intervalMs: 100, message: what },
  );
}

describe('outage (Chromium against the real stack)', () => {
  // A private engine: what changes on the shared one (other suites' containers) stays out of
  // the summary the first test reads word for word.
  let engine: SecondDockerd | undefined;
  let running: Stack | undefined;
  const stack = (): Stack => {
    if (!running) throw new Error('the stack is not running (did beforeAll fail?)');
    return running;
  };

  beforeAll(async () => {
    engine = await startSecondDockerd();
    running = await startStack({
      hosts: [
        { hostId: 'outage-host', dockerHost: `unix://${engine.socketPath}`, docker: engine.docker },
      ],
      replicas: 2,
    });
  }, 180_000);

  afterAll(async () => {
    try {
      await running?.close();
    } finally {
      await engine?.stop();
    }
  }, 120_000);

  it('every replica dies: a banner says so, everything shown is stale with its time, and on return a summary names what changed', async () => {
    const { containers, url, hostId, gateways } = stack();
    const prefix = `e2e-outage-${randomBytes(3).toString('hex')}`;
    const stopped = await containers.create(CLEAN_STOP, { name: `${prefix}-stopped` });
    const kept = await containers.create(SLEEP_FOREVER, { name: `${prefix}-kept` });
    await stack().known(stopped.id);
    await stack().known(kept.id);

    const page = await stack().newPage();
    await recordNotices(page);
    await openDashboard(page, url, '/');
    await filterByName(page, prefix);
    const stoppedRow = containerRow(page, stopped.id);
    await stoppedRow.and(page.locator('[data-state="running"]')).waitFor({ timeout: 15_000 });
    await containerRow(page, kept.id).waitFor({ timeout: 15_000 });
    // Live figures first, so there is something to go stale.
    const cpu = stoppedRow.getByTestId('sparkline-cpu');
    await cpu.waitFor({ timeout: 20_000 });
    expect(await cpu.getAttribute('data-stale')).toBeNull();
    expect(await page.getByTestId('outage-banner').count()).toBe(0);
    const hostStatus = page
      .locator(`[data-testid="fleet-host"][data-host="${hostId}"]`)
      .getByTestId('host-status');
    expect((await hostStatus.textContent())?.trim()).toBe('online');

    for (const gateway of [...gateways]) await stack().killReplica(gateway);

    // The banner: what happened, in words that do not blame the user's network.
    const banner = page.getByTestId('outage-banner');
    await banner.waitFor({ timeout: 10_000 });
    expect((await banner.getByTestId('outage-banner-title').textContent())?.trim()).toBe(
      'Connection to Flotilla lost — retrying',
    );
    const detail = await waitForText(
      banner.getByTestId('outage-banner-detail'),
      /attempt \d+, \d+ failed · next within \d+ s · everything shown is as of \d\d:\d\d:\d\d/,
      'the banner to count failed attempts',
    );
    const lostAt = CLOCK.exec(detail)?.[0];
    expect(await connectionState(page).textContent()).not.toMatch(/offline/i);

    // Stale, with the time it was last known: the fleet, the host, the figures.
    expect((await page.getByTestId('fleet-stale').textContent())?.trim()).toBe(
      `Not live · last known at ${lostAt}`,
    );
    expect(await hostStatus.getAttribute('data-stale')).toBe('true');
    expect((await hostStatus.textContent())?.trim()).toBe(`online · as of ${lostAt}`);
    expect(await cpu.getAttribute('data-stale')).toBe('true');
    expect(await cpu.getAttribute('title')).toContain(`(as of ${lostAt}, not live)`);
    expect(await stoppedRow.getByTestId('sparkline-mem').getAttribute('data-stale')).toBe('true');
    const listOpacity = await page
      .getByTestId('fleet-list')
      .evaluate((el) => Number(getComputedStyle(el).opacity));
    expect(listOpacity).toBeLessThan(1);

    // Meanwhile, a container stops; the agent records it.
    await stopped.stop({ t: 5 });
    await waitFor(
      async () => (await stack().agent.bus.snapshots.get(hostId, stopped.id))?.state === 'exited',
      { timeoutMs: 15_000, message: 'the agent to record the stop' },
    );
    expect(await stoppedRow.getAttribute('data-state')).toBe('running'); // nothing live reaches the page

    // A replica comes back: the page reconnects, fresh, and says what it missed.
    await stack().addReplica();
    await connectionState(page, 'connected').waitFor({ timeout: 30_000 });
    await stoppedRow.and(page.locator('[data-state="exited"]')).waitFor({ timeout: 15_000 });
    expect(await banner.count()).toBe(0);
    expect(await page.getByTestId('fleet-stale').count()).toBe(0);
    expect((await hostStatus.textContent())?.trim()).toBe('online');
    const summary = page
      .getByTestId('notification')
      .filter({ hasText: 'While disconnected' })
      .getByTestId('notification-message');
    await summary.waitFor({ timeout: 10_000 });
    expect((await summary.textContent())?.trim()).toBe(
      `While disconnected: 1 container stopped (${prefix}-stopped)`,
    );
    await expectNoticesClearOfRows(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoticesClearOfRows(page);

    // It stays until read, then goes when dismissed.
    await page
      .getByTestId('notification')
      .filter({ hasText: 'While disconnected' })
      .getByTestId('notification-dismiss')
      .click();
    await summary.waitFor({ state: 'detached', timeout: 5_000 });
    const notices = await noticesSeen(page);
    expect(notices).toEqual([`info: While disconnected: 1 container stopped (${prefix}-stopped)`]);
    expect(stack().pageErrors).toEqual([]);
  }, 180_000);

  it('the replica of a page watching stats is killed: the page reconnects and shows no error notice at all', async () => {
    const { containers, url } = stack();
    const prefix = `e2e-restart-${randomBytes(3).toString('hex')}`;
    const watched = await containers.create(SLEEP_FOREVER, { name: `${prefix}-watched` });
    const shortLived = await containers.create(SLEEP_FOREVER, { name: `${prefix}-short` });
    await stack().known(watched.id);
    await stack().known(shortLived.id);

    const page = await stack().newPage();
    await recordNotices(page);
    const frames = recordFrames(page);
    await openDashboard(page, url, '/');
    await filterByName(page, prefix);
    const cpuOf = (id: string): Locator => containerRow(page, id).getByTestId('sparkline-cpu');
    await cpuOf(watched.id).waitFor({ timeout: 20_000 });
    await cpuOf(shortLived.id).waitFor({ timeout: 20_000 });

    // Another replica to reconnect to (the first test left one alive).
    await stack().addReplica();
    const victim = await stack().replicaOf(page);
    await stack().killReplica(victim);
    await connectionState(page, 'reconnecting').waitFor({ timeout: 10_000 });
    // While it is away, a short-lived container goes (its stats subscription with it).
    await shortLived.remove({ force: true });
    await connectionState(page, 'connected').waitFor({ timeout: 30_000 });
    await containerRow(page, shortLived.id).waitFor({ state: 'detached', timeout: 15_000 });
    // Live again: fresh samples flow to the watched container's row.
    await cpuOf(watched.id).and(page.locator(':not([data-stale])')).waitFor({ timeout: 20_000 });

    // The page lets go of the stats (it leaves the fleet) and waits for the gateway's answer.
    const sentBefore = frames.sent.length;
    await containerRow(page, watched.id).getByTestId('container-logs-link').click();
    await page.waitForURL(/\/logs\//, { timeout: 10_000 });
    const ackId = await waitFor(
      () =>
        frames.sent
          .slice(sentBefore)
          .map((f) => /^42(\d+)\["unsubscribe_stats"/.exec(f)?.[1])
          .find((id) => id !== undefined),
      { timeoutMs: 10_000, message: 'the page to unsubscribe from stats' },
    );
    await waitFor(() => frames.received.some((f) => f.startsWith(`43${ackId}[`)), {
      timeoutMs: 10_000,
      message: 'the answer to unsubscribe_stats',
    });

    const named = (f: string): string =>
      f.replaceAll(watched.id, '<watched>').replaceAll(shortLived.id, '<short-lived>');
    expect(errorFrames(frames.received).map(named)).toEqual([]);
    const notices = await noticesSeen(page);
    // Only the summary of the outage; whether the removal falls in it depends on which came
    // first, the reconnection or the agent's news of the removal.
    expect(notices.filter((n) => !/^info: (While disconnected|Reconnected)/.test(n))).toEqual([]);
    expect(stack().pageErrors).toEqual([]);
  }, 180_000);
});
