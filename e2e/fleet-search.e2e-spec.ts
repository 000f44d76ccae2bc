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
 * Over the line, the fleet page finds what it does not hold: a search asks the gateway
 * (`find_containers`) and lists the matches on hosts not loaded as live rows; a stack (compose
 * project) opens on every host at once (`subscribe {projects}`). The simulated engine names
 * container i of every host `stack<i % 10>-svc<i / 10>-1`, in the order of `engine.ids()`.
 */
describe('fleet search and stacks over the line (Chromium against the real stack and simulated hosts)', () => {
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

  const engineOf = (hostId: string): SimulatedHosts['hosts'][number]['engine'] => {
    const found = fleet.hosts.find((h) => h.agent.hostId === hostId);
    if (!found) throw new Error(`no simulated host ${hostId}`);
    return found.engine;
  };
  /** Container `i` of a host (see above for its name). */
  const idOf = (hostId: string, i: number): string => engineOf(hostId).ids()[i];
  const hostRow = (page: Page, hostId: string): Locator =>
    page.getByTestId('fleet-host').and(page.locator(`[data-host="${hostId}"]`));
  const flipped = async (page: Page, hostId: string, i: number): Promise<void> => {
    const row = containerRow(page, idOf(hostId, i));
    const before = await row.getAttribute('data-state');
    engineOf(hostId).toggle(idOf(hostId, i));
    await row
      .and(page.locator(`[data-state="${before === 'running' ? 'exited' : 'running'}"]`))
      .waitFor({ timeout: 15_000 });
  };

  it("typing a name finds it on hosts not loaded: live rows, and the gateway's count", async () => {
    const page = await stack().newPage();
    const [loaded, ...away] = hostIds;
    await openDashboard(page, stack().url, `/?open=${loaded}`);
    await containerRow(page, idOf(loaded, 0)).waitFor({ timeout: 30_000 });

    // stack3-svc1-1 is container 13 of every host: one loaded, two not.
    await page.getByTestId('fleet-search').pressSequentially('stack3-svc1', { delay: 20 });
    for (const hostId of away) {
      await containerRow(page, idOf(hostId, 13)).waitFor({ timeout: 15_000 });
      expect(await hostRow(page, hostId).getAttribute('data-loaded')).toBe('false');
    }
    await expect(page.getByTestId('fleet-found').textContent()).resolves.toMatch(
      /Found 2 containers matching “stack3-svc1” on 2 hosts not loaded\.$/,
    );
    expect(await page.getByTestId('fleet-found').getAttribute('data-more')).toBe('false');
    // The answer was complete: nothing else may match on those hosts.
    expect(await page.getByTestId('fleet-unloaded-matches').count()).toBe(0);
    expect(await page.getByTestId('container-row').count()).toBe(3);

    // A found row is live: a state change on its host reaches it.
    await flipped(page, away[0], 13);

    // Another name: the earlier matches leave, the new ones come.
    await page.getByTestId('fleet-search').fill('stack4-svc2');
    await containerRow(page, idOf(away[1], 24)).waitFor({ timeout: 15_000 });
    await containerRow(page, idOf(away[1], 13)).waitFor({ state: 'detached', timeout: 15_000 });
    expect(stack().pageErrors).toEqual([]);
  }, 120_000);

  it('a stack spread over three hosts opens by its name with all its containers, live', async () => {
    const page = await stack().newPage();
    await openDashboard(page, stack().url, '/');
    await page.getByTestId('fleet-hosts-not-loaded').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('container-row').count()).toBe(0);

    // stack0 is containers 0, 10 and 20 of every host; its name is offered from the counts.
    await page.getByTestId('fleet-project-filter').selectOption('stack0');
    for (const hostId of hostIds)
      for (const i of [0, 10, 20]) await containerRow(page, idOf(hostId, i)).waitFor();
    expect(await page.getByTestId('container-row').count()).toBe(9);
    expect(new URL(page.url()).searchParams.get('project')).toBe('stack0');
    await expect(page.getByTestId('fleet-shown').textContent()).resolves.toContain('9 shown');
    expect(await page.getByTestId('fleet-unloaded-matches').count()).toBe(0);
    await flipped(page, hostIds[2], 20);

    // Another stack: the first one's rows leave.
    await page.getByTestId('fleet-project-filter').selectOption('stack1');
    await containerRow(page, idOf(hostIds[1], 11)).waitFor({ timeout: 15_000 });
    await containerRow(page, idOf(hostIds[1], 10)).waitFor({ state: 'detached', timeout: 15_000 });
    expect(stack().pageErrors).toEqual([]);
  }, 120_000);
});
