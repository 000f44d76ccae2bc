import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { COMPOSE_PROJECT_LABEL } from '@flotilla/contracts';
import { waitFor } from '@flotilla/testing';
import { containerRow, openDashboard } from './support/dashboard';
import { useStack } from './support/stack';

const SCREENSHOT = join(__dirname, '..', 'docs', 'screenshots', 'crash-loop.png');
/** Docker restarts after 0.1, 0.2, 0.4 … s: three 2 s runs end within ~8 s; slack for a loaded machine. */
const LOOP_MS = 60_000;

describe('crash-loop black box (Chromium against the real stack)', () => {
  const stack = useStack();

  it('a container restarted by Docker every 2 s gets the badge on its row and stack, and its exits list shows each run’s lines', async () => {
    const tag = randomBytes(3).toString('hex');
    const project = `bb-${tag}`;
    const name = `bb-crash-${tag}`;
    const looper = await stack().containers.create(
      // Markup in a line must show as text.
      `echo "booting ${tag}"; sleep 2; echo "<b>fatal</b>: no config for ${tag}" >&2; exit 3`,
      { name, restart: 'always', labels: { [COMPOSE_PROJECT_LABEL]: project } },
    );
    await stack().known(looper.id);

    const page = await stack().newPage({ viewport: { width: 1280, height: 900 } });
    await openDashboard(page, stack().url, '/');
    await page.getByTestId('fleet-search').fill(name);
    const badge = containerRow(page, looper.id).getByTestId('crash-loop-badge');
    await badge.waitFor({ timeout: LOOP_MS });
    await expect(badge.textContent()).resolves.toContain('crash loop');
    await expect(badge.getAttribute('title')).resolves.toMatch(/exits in the last 5 minutes/);

    await page.getByTestId('fleet-group-by-stack').check();
    await page
      .locator(`[data-testid="fleet-stack"][data-project="${project}"]`)
      .getByTestId('crash-loop-badge')
      .waitFor({ timeout: 15_000 });

    await containerRow(page, looper.id).getByTestId('container-name').click();
    await page.waitForURL(new RegExp(`/containers/${stack().hostId}/${looper.id}$`), {
      timeout: 10_000,
    });
    await page
      .getByTestId('container-title')
      .locator('..')
      .getByTestId('crash-loop-badge')
      .waitFor({ timeout: 15_000 });
    const cards = page.getByTestId('exit-card');
    await waitFor(async () => (await cards.count()) >= 3, {
      timeoutMs: LOOP_MS,
      message: 'three exits listed',
    });
    // Newest first, side by side: the columns share one row.
    const boxes = await cards.evaluateAll((els) =>
      els.slice(0, 2).map((el) => el.getBoundingClientRect().top),
    );
    expect(boxes[0]).toBe(boxes[1]);
    const first = cards.first();
    await expect(first.getByTestId('exit-code').textContent()).resolves.toContain('3');
    await expect(first.getByTestId('exit-oom').textContent()).resolves.toContain('no');
    const restarts = await cards.getByTestId('exit-restarts').allTextContents();
    const counts = restarts.map((t) => Number(t.trim()));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(counts[0]).toBeGreaterThanOrEqual(3);
    // The container's log holds every run: the newest exit ends with its own run's two lines.
    const lines = await first.getByTestId('exit-line').allTextContents();
    expect(lines.map((l) => l.trim()).slice(-2)).toEqual([
      `booting ${tag}`,
      `<b>fatal</b>: no config for ${tag}`,
    ]);
    // Shown as text: no element was made of the line.
    await expect(first.locator('b').count()).resolves.toBe(0);

    // A new exit arrives without a reload.
    const newest = await first.getAttribute('data-exit-id');
    await waitFor(async () => (await cards.first().getAttribute('data-exit-id')) !== newest, {
      timeoutMs: LOOP_MS,
      message: 'the next exit listed live',
    });

    await page.mouse.move(0, 0);
    await page.screenshot({ path: SCREENSHOT });
    expect(stack().pageErrors).toEqual([]);
  }, 180_000);
});
