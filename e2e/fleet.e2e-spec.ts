import { randomBytes } from 'node:crypto';
import { SLEEP_FOREVER } from '@flotilla/testing';
import { containerRow, openDashboard } from './support/dashboard';
import { useStack } from './support/stack';

describe('fleet view (Chromium against the real stack)', () => {
  const stack = useStack();

  it('shows a container started during the test without a reload, and its state badge follows docker stop', async () => {
    const { containers, url, hostId } = stack();
    const page = await stack().newPage();
    await openDashboard(page, url, '/');
    await page
      .getByTestId('fleet-host')
      .and(page.locator(`[data-host="${hostId}"]`))
      .waitFor({ timeout: 15_000 });
    // Other containers of this dockerd may be listed too: show only this test's.
    const name = `e2e-fleet-${randomBytes(3).toString('hex')}`;
    await page.getByTestId('fleet-search').fill(`name:${name}`);
    await page.getByTestId('fleet-empty').waitFor({ timeout: 5_000 });
    // A reload would drop this flag.
    await page.evaluate(
      () => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true),
    );

    const container = await containers.create(SLEEP_FOREVER, { name });
    const row = containerRow(page, container.id);
    await row.and(page.locator('[data-state="running"]')).waitFor({ timeout: 15_000 });
    expect(await row.getAttribute('data-name')).toBe(name);
    expect(await row.getAttribute('data-host')).toBe(hostId);
    const badge = row.getByTestId('state-badge');
    expect(await badge.getAttribute('data-state')).toBe('running');

    await container.stop({ t: 5 });
    await badge.and(page.locator('[data-state="exited"]')).waitFor({ timeout: 15_000 });
    expect(await row.getAttribute('data-state')).toBe('exited');
    expect(
      await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
    expect(stack().pageErrors).toEqual([]);
  }, 60_000);
});
