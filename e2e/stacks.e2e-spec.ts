import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { SLEEP_FOREVER } from '@flotilla/testing';
import { containerRow, openDashboard } from './support/dashboard';
import { useStack } from './support/stack';

const PROJECT_LABEL = 'com.docker.compose.project';
const MIB = 1024 * 1024;

describe('stacks, URL filters, deep links, shortcuts, stats (Chromium against the real stack)', () => {
  const stack = useStack();

  /** The query parameters the page shows now. */
  const params = (page: Page): URLSearchParams => new URL(page.url()).searchParams;

  it('groups containers by compose project; the project filter and grouping live in the URL (reload, back, forward)', async () => {
    const { containers, url } = stack();
    const tag = randomBytes(3).toString('hex');
    const shop = `e2e-shop-${tag}`;
    const blog = `e2e-blog-${tag}`;
    const web = await containers.create(SLEEP_FOREVER, {
      name: `${shop}-web-1`,
      labels: { [PROJECT_LABEL]: shop },
    });
    const db = await containers.create(SLEEP_FOREVER, {
      name: `${shop}-db-1`,
      labels: { [PROJECT_LABEL]: shop },
    });
    await db.stop({ t: 0 });
    await containers.create(SLEEP_FOREVER, {
      name: `${blog}-app-1`,
      labels: { [PROJECT_LABEL]: blog },
    });

    const page = await stack().newPage();
    await openDashboard(page, url, '/');
    const projectFilter = page.getByTestId('fleet-project-filter');
    await projectFilter.locator(`option[value="${shop}"]`).waitFor({
      state: 'attached',
      timeout: 15_000,
    });
    await projectFilter.selectOption(shop);
    await page.waitForURL((u) => u.searchParams.get('project') === shop, { timeout: 5_000 });
    await page.getByTestId('fleet-group-by-stack').check();
    await page.waitForURL((u) => u.searchParams.get('group') === 'stack', { timeout: 5_000 });

    const header = page.locator(`[data-testid="fleet-stack"][data-project="${shop}"]`);
    const expectShopGrouped = async (): Promise<void> => {
      await header.waitFor({ timeout: 15_000 });
      await containerRow(page, db.id)
        .and(page.locator('[data-state="exited"]'))
        .waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('fleet-stack').count()).toBe(1);
      expect(await page.getByTestId('container-row').count()).toBe(2);
      const counts = await header.getByTestId('fleet-stack-counts').innerText();
      expect(counts).toContain('1 running');
      expect(counts).toContain('1 exited');
      expect(await containerRow(page, web.id).getByTestId('container-project').innerText()).toBe(
        shop,
      );
      expect(await header.getByTestId('fleet-stack-logs').getAttribute('href')).toBe(
        `/logs?project=${shop}`,
      );
    };
    await expectShopGrouped();

    // A reload keeps the filter and the grouping: they are in the URL.
    await page.reload({ waitUntil: 'domcontentloaded' });
    await expectShopGrouped();
    expect(await projectFilter.inputValue()).toBe(shop);
    expect(await page.getByTestId('fleet-group-by-stack').isChecked()).toBe(true);

    // Back undoes the grouping, then the filter; forward brings them back.
    await page.goBack();
    await page.waitForURL((u) => !u.searchParams.has('group'), { timeout: 5_000 });
    await page.locator('[data-testid="fleet-host"]').first().waitFor({ timeout: 5_000 });
    expect(await page.getByTestId('fleet-group-by-stack').isChecked()).toBe(false);
    expect(await projectFilter.inputValue()).toBe(shop);
    await page.goBack();
    await page.waitForURL((u) => !u.searchParams.has('project'), { timeout: 5_000 });
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="fleet-project-filter"]') as HTMLSelectElement)
          .value === 'all',
      undefined,
      { timeout: 5_000 },
    );
    await page.goForward();
    await page.goForward();
    await page.waitForURL((u) => u.searchParams.get('group') === 'stack', { timeout: 5_000 });
    expect(params(page).get('project')).toBe(shop);
    await expectShopGrouped();
    expect(stack().pageErrors).toEqual([]);
  }, 90_000);

  it('opens a container by its name, and charts its memory against its 64 MiB limit with labelled axes', async () => {
    const { containers, url, hostId } = stack();
    const name = `e2e-limited-${randomBytes(3).toString('hex')}`;
    const c = await containers.create(SLEEP_FOREVER, { name, memory: 64 * MIB });
    await stack().known(c.id);

    const page = await stack().newPage();
    await openDashboard(page, url, `/containers/${hostId}/${name}`);
    await page
      .getByTestId('container-title')
      .filter({ hasText: name })
      .waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('container-details').innerText()).toContain(c.id.slice(0, 12));

    const memory = page.getByTestId('stats-memory-text');
    await memory.filter({ hasText: 'of 64 MiB' }).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('stats-axis-cpu').innerText()).toMatch(/%/);
    expect(await page.getByTestId('stats-axis-mem').innerText()).toMatch(/[KMG]iB/);
    expect(await page.getByTestId('stats-axis-time').innerText()).toContain('now');

    // Without its host, a name found on one host only opens that container.
    await openDashboard(page, url, `/containers/${name}`);
    await page.waitForURL(`**/containers/${hostId}/${name}`, { timeout: 15_000 });
    await page
      .getByTestId('container-title')
      .filter({ hasText: name })
      .waitFor({ timeout: 15_000 });

    // A name that no container on the host has is said plainly.
    await openDashboard(page, url, `/containers/${hostId}/${name}-missing`);
    await page.getByTestId('container-missing').waitFor({ timeout: 15_000 });
    expect(stack().pageErrors).toEqual([]);
  }, 90_000);

  it('? lists the shortcuts from the registry, Escape closes it, and typing ? in a field does not open it', async () => {
    const page = await stack().newPage();
    await openDashboard(page, stack().url, '/');
    const overlay = page.getByTestId('shortcuts-overlay');

    await page.keyboard.press('?');
    await overlay.waitFor({ state: 'visible', timeout: 5_000 });
    const keys = await overlay.getByTestId('shortcut-keys').allInnerTexts();
    const descriptions = await overlay.getByTestId('shortcut-description').allInnerTexts();
    expect(keys).toEqual(expect.arrayContaining(['/', 'g', '?', 'Enter', 'l']));
    expect(descriptions).toEqual(
      expect.arrayContaining(['Search containers', 'Go to the fleet', 'Show or hide this list']),
    );

    await page.keyboard.press('Escape');
    await overlay.waitFor({ state: 'hidden', timeout: 5_000 });

    const search = page.getByTestId('fleet-search');
    await search.click();
    await search.pressSequentially('what?');
    expect(await search.inputValue()).toBe('what?');
    expect(await overlay.isVisible()).toBe(false);
    expect(stack().pageErrors).toEqual([]);
  }, 60_000);
});
