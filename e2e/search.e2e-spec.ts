import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { COMPOSE_PROJECT_LABEL } from '@flotilla/contracts';
import { waitFor } from '@flotilla/testing';
import { openDashboard } from './support/dashboard';
import { useStack } from './support/stack';

const SCREENSHOT = join(__dirname, '..', 'docs', 'screenshots', 'search.png');

describe('log search page (Chromium against the real stack)', () => {
  const stack = useStack();

  it('refuses a bad pattern by its field, streams highlighted matches of a project in time order, and a match opens its logs', async () => {
    const tag = randomBytes(3).toString('hex');
    const project = `shop-${tag}`;
    const labels = { [COMPOSE_PROJECT_LABEL]: project };
    // Two containers whose lines interleave in time; one stops before the search.
    const api = await stack().containers.create(
      `for i in 1 2 3; do echo "GET /orders/$i 200 12ms"; echo "ERROR <b>db</b> timeout after 3000ms (order $i)"; sleep 0.4; done; sleep 3600`,
      { name: `api-${tag}`, labels },
    );
    const worker = await stack().containers.create(
      `sleep 0.2; for i in 1 2 3; do echo "job $i picked"; echo "WARN retry $i: upstream timeout" >&2; sleep 0.4; done; exit 1`,
      { name: `worker-${tag}`, labels },
    );
    await Promise.all([stack().known(api.id), stack().known(worker.id)]);

    const page = await stack().newPage({ viewport: { width: 1200, height: 560 } });
    await openDashboard(page, stack().url, '/');
    await page.getByTestId('nav-search').click();
    await page.waitForURL(/\/search$/, { timeout: 10_000 });

    // A pattern RE2 refuses: the gateway's words next to the field, and no results.
    await page.getByTestId('search-pattern').fill('(a)\\1');
    await page.getByTestId('search-submit').click();
    await waitFor(
      async () =>
        /pattern/.test((await page.getByTestId('search-pattern-error').textContent()) ?? ''),
      { timeoutMs: 10_000, message: 'the pattern error by the field' },
    );
    expect(await page.getByTestId('search-match').count()).toBe(0);

    await page.getByTestId('search-pattern').fill('timeout|ERROR');
    await page.getByTestId('search-project').fill(project);
    // All six lines printed (the worker has exited) before the search that must find them.
    await waitFor(
      async () => {
        await page.getByTestId('search-submit').click();
        await page
          .getByTestId('search-status')
          .filter({ hasText: /matches?\./ })
          .waitFor({ timeout: 15_000 });
        return (await page.getByTestId('search-match').count()) === 6;
      },
      { timeoutMs: 30_000, message: 'six matches' },
    );
    expect(new URL(page.url()).searchParams.get('project')).toBe(project);
    await expect(page.getByTestId('search-pattern-error').textContent()).resolves.toBe('');
    await expect(page.getByTestId('search-progress').textContent()).resolves.toMatch(
      /Scanned 2 containers, \d/,
    );

    const rows = await page.getByTestId('search-match').evaluateAll((els) =>
      els.map((el) => ({
        ts: el.querySelector('time')?.getAttribute('datetime') ?? '',
        text: el.textContent ?? '',
        marks: [...el.querySelectorAll('mark')].map((m) => m.textContent),
        bold: el.querySelectorAll('b').length,
      })),
    );
    const times = rows.map((r) => r.ts);
    expect([...times].sort()).toEqual(times);
    expect(rows.filter((r) => r.text.includes(`api-${tag}`))).toHaveLength(3);
    expect(rows.filter((r) => r.text.includes(`worker-${tag}`))).toHaveLength(3);
    const apiRow = rows.find((r) => r.text.includes('order 1'));
    // The line's markup is text, and the matches are marked.
    expect(apiRow?.text).toContain('ERROR <b>db</b> timeout after 3000ms (order 1)');
    expect(apiRow?.bold).toBe(0);
    expect(apiRow?.marks).toEqual(['ERROR', 'timeout']);
    expect(rows.find((r) => r.text.includes('retry 2'))?.marks).toEqual(['timeout']);

    // The gateway's error also came as a notice; the screenshot shows the results.
    for (const dismiss of await page.getByTestId('notification-dismiss').all())
      await dismiss.click();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: SCREENSHOT });

    // Back to the search from the logs it opened: the URL runs it again.
    await page
      .getByTestId('search-match')
      .filter({ hasText: 'retry 1' })
      .getByTestId('search-open-logs')
      .click();
    await page.waitForURL(new RegExp(`/logs/${stack().hostId}/${worker.id}\\?since=`), {
      timeout: 10_000,
    });
    await page
      .getByTestId('log-line')
      .filter({ hasText: 'WARN retry 1: upstream timeout' })
      .first()
      .waitFor({ timeout: 20_000 });
    await page.goBack();
    await page.waitForURL(/\/search\?/, { timeout: 10_000 });
    await waitFor(async () => (await page.getByTestId('search-match').count()) === 6, {
      timeoutMs: 15_000,
      message: 'the search again after going back',
    });
    expect(stack().pageErrors).toEqual([]);
  }, 150_000);
});
