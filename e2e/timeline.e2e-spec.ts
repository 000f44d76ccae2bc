import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { COMPOSE_PROJECT_LABEL } from '@flotilla/contracts';
import { SLEEP_FOREVER, waitFor } from '@flotilla/testing';
import { openDashboard } from './support/dashboard';
import { useStack } from './support/stack';

const SCREENSHOT = join(__dirname, '..', 'docs', 'screenshots', 'timeline.png');

describe('fleet timeline (Chromium against the real stack)', () => {
  const stack = useStack();

  it('shows a container start and die, filters by project, and a click opens its logs at that moment', async () => {
    const tag = randomBytes(3).toString('hex');
    const project = `tl-${tag}`;
    const crasher = await stack().containers.create(
      'echo hello from the crasher; sleep 1; exit 2',
      {
        name: `tl-crash-${tag}`,
        labels: { [COMPOSE_PROJECT_LABEL]: project },
      },
    );
    await stack().containers.create(SLEEP_FOREVER, { name: `tl-other-${tag}` });
    await stack().known(crasher.id);

    const page = await stack().newPage({ viewport: { width: 1200, height: 640 } });
    await openDashboard(page, stack().url, '/');
    await page.getByTestId('nav-timeline').click();
    await page.waitForURL(/\/timeline$/, { timeout: 10_000 });

    const point = (name: string, kind: string) =>
      page.locator(`[data-testid="timeline-point"][data-container="${name}"][data-kind="${kind}"]`);
    // New points appear without a reload.
    await point(`tl-crash-${tag}`, 'die').waitFor({ timeout: 30_000 });
    await point(`tl-other-${tag}`, 'start').waitFor({ timeout: 30_000 });
    await expect(point(`tl-crash-${tag}`, 'die').textContent()).resolves.toContain('exit 2');
    await expect(page.getByTestId('timeline-reach').textContent()).resolves.toContain(
      'Complete from',
    );

    await page.getByTestId('timeline-project').fill(project);
    await page.getByTestId('timeline-project').press('Tab');
    await point(`tl-other-${tag}`, 'start').waitFor({ state: 'detached', timeout: 15_000 });
    await waitFor(
      async () => {
        const names = await page
          .getByTestId('timeline-point')
          .evaluateAll((els) => els.map((el) => el.getAttribute('data-container')));
        return names.length > 0 && names.every((n) => n === `tl-crash-${tag}`);
      },
      { timeoutMs: 15_000, message: 'only the project’s container on the timeline' },
    );
    await page.mouse.move(0, 0);
    await page.screenshot({ path: SCREENSHOT });

    const before = Date.now();
    await point(`tl-crash-${tag}`, 'die').getByTestId('timeline-open-logs').click();
    await page.waitForURL(new RegExp(`/logs/${stack().hostId}/${crasher.id}\\?since=`), {
      timeout: 10_000,
    });
    const since = new URL(page.url()).searchParams.get('since') ?? '';
    expect(Date.parse(since)).toBeLessThan(before);
    await page
      .getByTestId('log-line')
      .filter({ hasText: 'hello from the crasher' })
      .first()
      .waitFor({ timeout: 20_000 });
    expect(stack().pageErrors).toEqual([]);
  }, 120_000);
});
