import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { SLEEP_FOREVER } from '@flotilla/testing';
import { connectionState, containerRow, openDashboard, signIn } from './support/dashboard';
import { useStack } from './support/stack';

/** WCAG contrast of a badge's text against the first opaque background behind it. */
function badgeContrast(page: Page, containerId: string): Promise<number> {
  return page.evaluate((id) => {
    const rgb = (css: string): number[] => (css.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]): number => {
      const lin = (c: number): number => {
        const v = c / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const badge = document.querySelector(
      `[data-testid="container-row"][data-container-id="${id}"] [data-testid="state-badge"]`,
    );
    if (!badge) throw new Error('no badge');
    const text = badge.querySelector('.state-badge__text') ?? badge;
    let el: Element | null = badge;
    let background = [255, 255, 255];
    for (; el; el = el.parentElement) {
      const parts = rgb(getComputedStyle(el).backgroundColor);
      if (parts.length === 3 || (parts.length === 4 && parts[3] === 1)) {
        background = parts.slice(0, 3);
        break;
      }
    }
    const [hi, lo] = [luminance(rgb(getComputedStyle(text).color)), luminance(background)].sort(
      (a, b) => b - a,
    );
    return (hi + 0.05) / (lo + 0.05);
  }, containerId);
}

/** Shows only this file's containers in the fleet list. */
async function showOnly(page: Page, prefix: string): Promise<void> {
  await page.getByTestId('fleet-search').fill(`name:${prefix}`, { timeout: 30_000 });
}

describe('status, crash look and actions (Chromium against the real stack)', () => {
  const stack = useStack();
  const prefix = `e2e-status-${randomBytes(3).toString('hex')}`;

  it('shows a crash apart from a clean stop, with a status that keeps ageing', async () => {
    const { containers, url } = stack();
    const crashed = await containers.create('sleep 1; exit 3', { name: `${prefix}-crash` });
    const clean = await containers.create('sleep 1; exit 0', { name: `${prefix}-clean` });
    const page = await stack().newPage();
    await openDashboard(page, url, '/');
    await showOnly(page, prefix);

    const crashRow = containerRow(page, crashed.id);
    const crashBadge = crashRow.getByTestId('state-badge');
    await crashBadge.and(page.locator('[data-exit="crash"]')).waitFor({ timeout: 20_000 });
    expect(await crashBadge.getAttribute('data-state')).toBe('exited');
    expect(await crashBadge.textContent()).toContain('crashed');
    expect(await crashBadge.locator('.state-badge__icon').textContent()).toContain('✕');

    const cleanBadge = containerRow(page, clean.id).getByTestId('state-badge');
    await cleanBadge.and(page.locator('[data-exit="clean"]')).waitFor({ timeout: 20_000 });
    expect((await cleanBadge.textContent())?.trim()).toBe('exited');
    expect(await cleanBadge.locator('.state-badge__icon').count()).toBe(0);
    const colours = await page.evaluate(
      ([a, b]) => [a, b].map((id) => getComputedStyle(document.querySelector(id)!).color),
      [
        `[data-container-id="${crashed.id}"] [data-testid="state-badge"]`,
        `[data-container-id="${clean.id}"] [data-testid="state-badge"]`,
      ],
    );
    expect(colours[0]).not.toBe(colours[1]);

    // No event arrives after the exit: only the page's clock can move the text on.
    const status = crashRow.getByTestId('container-status');
    const first = (await status.textContent())?.trim() ?? '';
    expect(first).toMatch(/^Exited \(3\) (Less than a second|\d+ seconds?) ago$/);
    await page.waitForFunction(
      ([id, before]) => {
        const el = document.querySelector(
          `[data-container-id="${id}"] [data-testid="container-status"]`,
        );
        const now = el?.textContent?.trim() ?? '';
        return now !== before && /^Exited \(3\) \d+ seconds? ago$/.test(now);
      },
      [crashed.id, first] as const,
      { timeout: 10_000 },
    );
    expect(stack().pageErrors).toEqual([]);
  }, 150_000);

  it('gives the "exited" label at least 4.5:1 contrast in both themes', async () => {
    const { containers, url } = stack();
    const clean = await containers.create('exit 0', { name: `${prefix}-contrast` });
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await stack().newPage({ colorScheme });
      await openDashboard(page, url, '/');
      await showOnly(page, `${prefix}-contrast`);
      await containerRow(page, clean.id)
        .getByTestId('state-badge')
        .and(page.locator('[data-exit="clean"]'))
        .waitFor({ timeout: 20_000 });
      expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe(
        colorScheme,
      );
      const ratio = await badgeContrast(page, clean.id);
      expect(ratio).toBeGreaterThanOrEqual(4.5);
    }
  }, 150_000);

  it('does not pulse "Log streaming active" for an exited container', async () => {
    const { containers, url, hostId } = stack();
    const done = await containers.create('echo bye; exit 0', { name: `${prefix}-done` });
    await stack().known(done.id);
    const page = await stack().newPage();
    for (const path of [`/containers/${hostId}/${done.id}`, `/logs/${hostId}/${done.id}`]) {
      await openDashboard(page, url, path);
      const indicator = page.getByTestId('streaming-indicator');
      await indicator.and(page.locator('[data-state="idle"]')).waitFor({ timeout: 20_000 });
      expect(await indicator.textContent()).toContain('Container exited');
      expect(await indicator.textContent()).not.toContain('Log streaming active');
    }
  }, 150_000);

  it('offers Unpause for a paused container, focuses Cancel in the dialog, and unpauses', async () => {
    const { containers, url } = stack();
    const c = await containers.create(SLEEP_FOREVER, { name: `${prefix}-paused` });
    await c.pause();
    const page = await stack().newPage();
    await openDashboard(page, url, '/');
    await showOnly(page, `${prefix}-paused`);
    const row = containerRow(page, c.id);
    await row.and(page.locator('[data-state="paused"]')).waitFor({ timeout: 20_000 });
    expect(await row.getByTestId('container-status').textContent()).toMatch(/\(Paused\)/);
    expect(await row.getByTestId('container-action-restart').count()).toBe(0);

    await row.getByTestId('container-action-unpause').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.getByTestId('confirm-cancel').waitFor({ timeout: 5_000 });
    await page.waitForFunction(
      () => document.activeElement?.getAttribute('data-testid') === 'confirm-cancel',
      undefined,
      { timeout: 5_000 },
    );
    await dialog.getByTestId('confirm-accept').click();
    await row.and(page.locator('[data-state="running"]')).waitFor({ timeout: 20_000 });
    expect((await c.inspect()).State.Status).toBe('running');
  }, 150_000);

  it('offers no login form when logins are off: /login leads to the fleet', async () => {
    const page = await stack().newPage();
    await page.goto(`${stack().url}/login`, { waitUntil: 'domcontentloaded' });
    await page.waitForURL((u) => u.pathname === '/', { timeout: 30_000 });
    expect(await page.getByTestId('login-form').count()).toBe(0);
  }, 150_000);

  // Last: it takes every replica down.
  it('disables the actions while the page is not connected', async () => {
    const { containers, url, gateways } = stack();
    const c = await containers.create(SLEEP_FOREVER, { name: `${prefix}-offline` });
    const page = await stack().newPage();
    await openDashboard(page, url, '/');
    await showOnly(page, `${prefix}-offline`);
    const stop = containerRow(page, c.id).getByTestId('container-action-stop');
    await stop.waitFor({ timeout: 20_000 });
    expect(await stop.isEnabled()).toBe(true);
    await Promise.all(gateways.map((g) => stack().killReplica(g)));
    await connectionState(page)
      .and(page.locator(':not([data-state="connected"])'))
      .waitFor({ timeout: 20_000 });
    await page.waitForFunction(
      (id) =>
        document
          .querySelector(
            `[data-container-id="${id}"] [data-testid="container-action-stop"]:disabled`,
          )
          ?.getAttribute('title') === 'Not connected to Flotilla',
      c.id,
      { timeout: 10_000 },
    );
  }, 150_000);
});

describe('actions follow the role (AUTH_MODE=users)', () => {
  const password = 'e2e password 1';
  const stack = useStack({
    users: [
      { user: 'vera', role: 'viewer', password },
      { user: 'otto', role: 'operator', password },
    ],
  });

  it('shows a viewer no Stop or Restart, and an operator both', async () => {
    const s = stack();
    const name = `e2e-roles-${randomBytes(3).toString('hex')}`;
    const c = await s.containers.create(SLEEP_FOREVER, { name });
    await s.known(c.id);

    const operator = await s.newPage();
    await signIn(s, operator, 'otto', password);
    await showOnly(operator, name);
    const operatorRow = containerRow(operator, c.id);
    await operatorRow.getByTestId('container-action-stop').waitFor({ timeout: 20_000 });
    expect(await operatorRow.getByTestId('container-action-restart').count()).toBe(1);

    const viewer = await s.newPage();
    await signIn(s, viewer, 'vera', password);
    await showOnly(viewer, name);
    const viewerRow = containerRow(viewer, c.id);
    await viewerRow.and(viewer.locator('[data-state="running"]')).waitFor({ timeout: 20_000 });
    expect(await viewerRow.locator('[data-testid^="container-action-"]').count()).toBe(0);
    expect(await viewerRow.getByTestId('container-logs-link').count()).toBe(1);

    await viewer.goto(`${s.url}/containers/${s.hostId}/${c.id}`, {
      waitUntil: 'domcontentloaded',
    });
    await viewer.getByTestId('container-details').waitFor({ timeout: 20_000 });
    expect(await viewer.locator('[data-testid^="container-action-"]').count()).toBe(0);
    expect(s.pageErrors).toEqual([]);
  }, 150_000);
});
