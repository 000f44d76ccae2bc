import { randomBytes } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { startSimulatedHosts, type SimulatedHosts } from '../bench/fleet-sim/simulated-hosts';
import { containerRow, openDashboard } from './support/dashboard';
import { useStack } from './support/stack';

/** The gateway's line, small so the test's fleet is over it. */
const LINE = 50;
const HOSTS = 3;
const PER_HOST = 25;

/**
 * A fleet over the gateway's line (FLEET_VIEW_LINE): simulated hosts (bench/fleet-sim: the real
 * agent on a simulated engine) hold 75 containers, the line is 50, so the page gets hosts with
 * counts and loads a host's containers when it is opened.
 */
describe('fleet views over the line (Chromium against the real stack and simulated hosts)', () => {
  const stack = useStack({ tuning: { fleetViewLine: LINE } });
  let fleet: SimulatedHosts;
  let hostIds: string[];

  beforeAll(async () => {
    const run = randomBytes(3).toString('hex');
    hostIds = Array.from({ length: HOSTS }, (_, i) => `sim-${run}-${i}`);
    fleet = await startSimulatedHosts({
      redisUrl: stack().redis.url,
      hostIds,
      containersPerHost: PER_HOST,
    });
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
  }, 60_000);

  const hostRow = (page: Page, hostId: string): Locator =>
    page.getByTestId('fleet-host').and(page.locator(`[data-host="${hostId}"]`));

  it('shows hosts collapsed to live counts; opening one lists its containers, live; closing drops them', async () => {
    const page = await stack().newPage();
    await openDashboard(page, stack().url, '/');
    const [first, second] = hostIds;
    const { engine } = fleet.hosts.find((h) => h.agent.hostId === first) ?? fleet.hosts[0];
    for (const id of hostIds) {
      await hostRow(page, id)
        .and(page.locator('[data-loaded="false"]'))
        .locator('.fleet-host__total', { hasText: `${PER_HOST} total` })
        .waitFor({ timeout: 30_000 });
    }
    await page.getByTestId('fleet-hosts-not-loaded').waitFor();
    expect(await page.getByTestId('container-row').count()).toBe(0);

    // Counts follow a change on a host nobody opened.
    const other = fleet.hosts.find((h) => h.agent.hostId === second) ?? fleet.hosts[1];
    const runningBefore = other.engine.ids().length - 2;
    other.engine.toggle(other.engine.ids()[0]);
    await hostRow(page, second)
      .locator('[data-state="running"]', { hasText: `${runningBefore - 1} running` })
      .waitFor({ timeout: 15_000 });

    // Opening a host: its rows appear, the URL says it is open.
    await hostRow(page, first).getByTestId('fleet-host-toggle').click();
    const id = engine.ids()[0];
    const row = containerRow(page, id);
    await row.waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).searchParams.get('open')).toBe(first);
    expect(await hostRow(page, first).getAttribute('data-loaded')).toBeNull();
    // ...and stay live.
    const before = await row.getAttribute('data-state');
    engine.toggle(id);
    await row
      .and(page.locator(`[data-state="${before === 'running' ? 'exited' : 'running'}"]`))
      .waitFor({ timeout: 15_000 });

    // A search says what the gateway found on the hosts not loaded (svc0: 10 on each host).
    await page.getByTestId('fleet-search').fill('svc0');
    await page
      .getByTestId('fleet-found')
      .and(page.locator('[data-more="false"]'))
      .filter({ hasText: 'Found 20 containers matching “svc0” on 2 hosts not loaded.' })
      .waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('fleet-empty').count()).toBe(0);
    await page.getByTestId('fleet-search').fill('');

    // The open hosts survive a reload (they are in the URL).
    await page.reload();
    await row.waitFor({ timeout: 15_000 });

    // Closing drops its rows.
    await hostRow(page, first).getByTestId('fleet-host-toggle').click();
    await row.waitFor({ state: 'detached', timeout: 15_000 });
    await hostRow(page, first).and(page.locator('[data-loaded="false"]')).waitFor();
    expect(new URL(page.url()).searchParams.get('open')).toBeNull();
    expect(stack().pageErrors).toEqual([]);
  }, 120_000);
});
