import { randomBytes } from 'node:crypto';
import { SLEEP_FOREVER } from '@flotilla/testing';
import { containerRow, openDashboard } from './support/dashboard';
import { useStack } from './support/stack';

const PHONE = { width: 390, height: 844 };

describe('fleet row on a phone (Chromium at 390x844 against the real stack)', () => {
  const stack = useStack();

  it('keeps the row actions reachable behind one menu button that opens, closes and acts', async () => {
    const { containers, url } = stack();
    const name = `e2e-phone-${randomBytes(3).toString('hex')}`;
    const c = await containers.create(SLEEP_FOREVER, { name });
    const page = await stack().newPage({
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    await openDashboard(page, url, '/');
    await page.getByTestId('fleet-search').fill(`name:${name}`);
    const row = containerRow(page, c.id);
    await row.and(page.locator('[data-state="running"]')).waitFor({ timeout: 20_000 });

    // One menu button, inside the screen; no row of buttons squeezed off it.
    const toggle = row.getByTestId('container-actions-menu');
    await toggle.waitFor({ timeout: 5_000 });
    const box = await toggle.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    expect(box!.x).toBeGreaterThanOrEqual(0);
    // On the row's own line, at its end: not wrapped under the row into the next grid line.
    const rowBox = (await row.boundingBox())!;
    expect(box!.y).toBeGreaterThanOrEqual(rowBox.y);
    expect(box!.y + box!.height).toBeLessThanOrEqual(rowBox.y + rowBox.height);
    expect(box!.x).toBeGreaterThan(PHONE.width / 2);
    expect(box!.height).toBeGreaterThanOrEqual(32);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    const menu = row.getByTestId('container-actions-menu-list');
    expect(await menu.isVisible()).toBe(false);

    await toggle.tap();
    await menu.waitFor({ state: 'visible', timeout: 5_000 });
    // The popover's toggle event, which sets aria-expanded, comes a task after it opens or closes.
    await toggle.and(page.locator('[aria-expanded="true"]')).waitFor({ timeout: 5_000 });
    for (const id of ['container-action-stop', 'container-action-restart', 'container-logs-link']) {
      const item = menu.getByTestId(id);
      expect(await item.isVisible()).toBe(true);
      const b = (await item.boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(PHONE.width);
      expect(b.y + b.height).toBeLessThanOrEqual(PHONE.height);
    }
    // Focus moves into the menu; Escape closes it.
    await page.waitForFunction(
      () => document.activeElement?.closest('[data-testid="container-actions-menu-list"]') !== null,
      undefined,
      { timeout: 5_000 },
    );
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden', timeout: 5_000 });
    await toggle.and(page.locator('[aria-expanded="false"]')).waitFor({ timeout: 5_000 });

    await toggle.tap();
    await menu.getByTestId('container-action-stop').tap();
    await menu.waitFor({ state: 'hidden', timeout: 5_000 });
    await page.getByTestId('confirm-accept').tap();
    await row.and(page.locator('[data-state="exited"]')).waitFor({ timeout: 30_000 });
    expect(stack().pageErrors).toEqual([]);
  }, 150_000);
});
