import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { waitFor } from '@flotilla/testing';
import { downloadLog, signIn } from './support/dashboard';
import { useStack } from './support/stack';

const SHOTS = join(__dirname, '..', 'docs', 'screenshots');

/**
 * Opening any moment of a container's log (users mode, two replicas): the container logged
 * numbered lines before anyone watched, so every line before the view opened comes from Docker's
 * own log through the agent.
 */
describe('log moments: jump to a time, load earlier, permalinks (Chromium)', () => {
  const password = 'e2e password 1';
  const stack = useStack({
    users: [
      { user: 'ada', role: 'operator', password },
      { user: 'sam', role: 'viewer', password, scopes: { containers: ['nothing-of-yours-*'] } },
    ],
  });

  /** Numbers of the `line N` rows the viewer holds, in order (read through its Download). */
  const numbers = async (page: Page): Promise<number[]> =>
    (await downloadLog(page))
      .map((l) => /^line (\d+)$/.exec(l)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);

  it('jumps to a time, pages back to line 1 while live lines arrive once, and opens a permalink', async () => {
    const s = stack();
    const name = `moment-${randomBytes(3).toString('hex')}`;
    // 1,600 numbered lines in four bursts 1.1 s apart (before anyone watches: more than the
    // viewer's 1,000-line backfill), then one more every 0.3 s.
    const c = await s.containers.create(
      'i=1; for b in 1 2 3 4; do n=$((i+400)); while [ $i -lt $n ]; do echo "line $i"; ' +
        'i=$((i+1)); done; sleep 1.1; done; while true; do sleep 0.3; echo "line $i"; i=$((i+1)); done',
      { name },
    );
    await s.known(c.id);
    // The Docker timestamps of the lines, as the permalink and the jump name them.
    const stamped = new Map<number, string>();
    await waitFor(
      async () => {
        const raw = (
          await s.docker.getContainer(c.id).logs({ stdout: true, timestamps: true })
        ).toString('utf8');
        for (const m of raw.matchAll(/(\d{4}-\S+Z) line (\d+)/g))
          stamped.set(Number(m[2]), m[1] ?? '');
        return stamped.has(1600);
      },
      { timeoutMs: 30_000, message: 'the 1,600 lines written' },
    );
    const ts250 = stamped.get(250) ?? '';
    const ts600 = stamped.get(600) ?? '';

    const page = await s.newPage({ viewport: { width: 1200, height: 640 } });
    await signIn(s, page, 'ada', password);

    // Jump to a time: the view starts with the line written then.
    await page.goto(`${s.url}/logs/${s.hostId}/${c.id}`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('log-line').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('log-since-input').fill(
      // datetime-local takes local time to the second: the line's second, read back locally.
      (() => {
        const d = new Date(Date.parse(ts600));
        return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
      })(),
    );
    await page.getByTestId('log-since-input').dispatchEvent('change');
    await page.waitForURL(/since=/, { timeout: 10_000 });
    await page.getByTestId('log-from').waitFor({ timeout: 10_000 });
    await waitFor(async () => (await numbers(page)).length > 0, {
      timeoutMs: 30_000,
      message: 'lines from the time',
    });
    const first = (await numbers(page))[0] ?? 0;
    // Every line of that second, and none before it: the first is the first of the second.
    const second = ts600.slice(0, 19);
    const firstOfSecond = [...stamped].find(([, t]) => t.slice(0, 19) === second)?.[0];
    expect(first).toBe(firstOfSecond);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(SHOTS, 'jump-to.png') });

    // Load earlier until the beginning: line 1 reached, no line twice, live lines still arrive.
    await page.getByTestId('log-live').click();
    await page.waitForURL((u) => !u.searchParams.has('since'), { timeout: 10_000 });
    await page.getByTestId('log-line').first().waitFor({ timeout: 30_000 });
    // Clicked in the page, only while enabled: a click that waits for the button to be enabled
    // would wait for ever once the last page replaces it with the beginning (and right after a
    // click it still looks enabled until the page renders).
    const settled = page
      .locator('[data-testid="log-load-earlier"]:not([disabled]), [data-testid="log-beginning"]')
      .first();
    for (let clicks = 0; clicks < 20;) {
      await settled.waitFor({ timeout: 30_000 });
      if (await page.getByTestId('log-beginning').isVisible()) break;
      const clicked = await page.evaluate(() => {
        const button = document.querySelector<HTMLButtonElement>(
          '[data-testid="log-load-earlier"]',
        );
        if (!button || button.disabled) return false;
        button.click();
        return true;
      });
      if (clicked) clicks++;
    }
    await page.getByTestId('log-beginning').waitFor({ timeout: 10_000 });
    const before = await numbers(page);
    const newest = before[before.length - 1] ?? 0;
    await waitFor(async () => ((await numbers(page)).at(-1) ?? 0) >= newest + 3, {
      timeoutMs: 20_000,
      message: 'live lines after paging back',
    });
    const all = await numbers(page);
    expect(all[0]).toBe(1);
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(await page.getByTestId('log-earlier-error').count()).toBe(0);
    await page.locator('cdk-virtual-scroll-viewport').evaluate((el) => (el.scrollTop = 0));
    await page.getByTestId('log-line').first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, 'load-earlier.png') });

    // A permalink to line 250 (older than the live tail's backfill), opened in a fresh context.
    const link = `${s.url}/logs/${s.hostId}/${c.id}?at=${encodeURIComponent(ts250)}`;
    const mate = await s.newPage({ viewport: { width: 1200, height: 640 } });
    await signIn(s, mate, 'ada', password);
    await mate.goto(link, { waitUntil: 'domcontentloaded' });
    const target = mate.getByTestId('log-line-target');
    await target.waitFor({ timeout: 30_000 });
    expect(await target.textContent()).toContain('line 250');
    // In view, with context above it.
    await waitFor(
      async () =>
        (await mate
          .getByTestId('log-line')
          .filter({ hasText: /^.*line 249$/ })
          .count()) > 0,
      { timeoutMs: 20_000, message: 'the line before the permalink’s' },
    );
    expect(await target.isVisible()).toBe(true);
    // The copy action gives the same kind of link back.
    await target.hover();
    await target.getByTestId('log-copy-link').click();
    const copied = await mate.getByTestId('log-permalink').textContent();
    expect(copied).toContain(`/logs/${s.hostId}/${c.id}?at=`);
    await mate.mouse.move(600, 5);
    await mate.screenshot({ path: join(SHOTS, 'permalink.png') });

    // A user whose scope leaves the container out gets what an unknown container gets.
    const sam = await s.newPage();
    await signIn(s, sam, 'sam', password);
    const unknownId = 'f'.repeat(64);
    const answer = async (url: string): Promise<string> => {
      await sam.goto(url, { waitUntil: 'domcontentloaded' });
      // Refused by the gateway (error), or not asked for since the fleet does not list it
      // (stopped): either way the words an unknown container gets.
      const indicator = sam.locator(
        '[data-testid="streaming-indicator"]:is([data-state="error"], [data-state="stopped"])',
      );
      await indicator.waitFor({ timeout: 30_000 });
      return (await indicator.getAttribute('title')) ?? '';
    };
    const forbidden = await answer(link);
    const unknown = await answer(
      `${s.url}/logs/${s.hostId}/${unknownId}?at=${encodeURIComponent(ts250)}`,
    );
    expect(forbidden).not.toBe('');
    expect(forbidden.replace(c.id, 'ID').replace(unknownId, 'ID')).toBe(
      unknown.replace(c.id, 'ID').replace(unknownId, 'ID'),
    );
    expect(await sam.getByTestId('log-line').count()).toBe(0);
    expect(s.pageErrors).toEqual([]);
  }, 240_000);
});
