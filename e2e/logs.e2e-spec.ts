import {
  SLEEP_FOREVER,
  expectedLines,
  printLines,
  readContainerLines,
  shellQuote,
  ticker,
  waitFor,
} from '@flotilla/testing';
import type { Page } from 'playwright-core';
import {
  afterGo,
  downloadLog,
  logCount,
  logListView,
  openDashboard,
  touch,
  waitForLogCount,
  waitForStreaming,
} from './support/dashboard';
import { useStack } from './support/stack';

describe('log viewer (Chromium against the real stack)', () => {
  const stack = useStack();

  const openLogs = async (containerId: string, contextOptions = {}): Promise<Page> => {
    await stack().known(containerId);
    const page = await stack().newPage(contextOptions);
    await openDashboard(page, stack().url, `/logs/${stack().hostId}/${containerId}`);
    await waitForStreaming(page);
    return page;
  };

  it('streams the lines a container prints into the viewer, in order', async () => {
    const container = await stack().containers.create(
      afterGo(`${printLines(300, 'hello')}; ${SLEEP_FOREVER}`),
    );
    const page = await openLogs(container.id);
    await page.getByTestId('log-empty').waitFor({ timeout: 5_000 });

    await touch(container, '/tmp/go');
    await waitForLogCount(page, 300);
    // Following: the newest line is in view.
    await waitFor(async () => (await logListView(page)).visibleLineNos.at(-1) === 300, {
      timeoutMs: 5_000,
      message: 'line 300 in view',
    });
    await expect(page.getByTestId('log-line').last().textContent()).resolves.toContain('hello 300');
    expect(await downloadLog(page)).toEqual(expectedLines(300, 'hello'));
    expect(await logCount(page)).toBe(300);
    expect(stack().pageErrors).toEqual([]);
  }, 60_000);

  it('pauses auto-follow when the list is scrolled up, and "Follow logs" resumes it', async () => {
    const container = await stack().containers.create(ticker('tick', 0.02));
    const page = await openLogs(container.id);
    await waitForLogCount(page, 150);
    await waitFor(async () => (await logListView(page)).fromBottom < 40, {
      timeoutMs: 5_000,
      message: 'following at the bottom',
    });
    await expect(page.getByTestId('follow-button').count()).resolves.toBe(0);

    const list = page.getByTestId('log-list');
    await list.hover();
    await page.mouse.wheel(0, -600);
    await page.getByTestId('follow-button').waitFor({ timeout: 5_000 });
    // Let the scroll settle (smooth-scroll frames) before taking the reference.
    let paused = await logListView(page);
    await waitFor(
      async () => {
        const now = await logListView(page);
        const settled = now.scrollTop === paused.scrollTop;
        paused = now;
        return settled;
      },
      { timeoutMs: 5_000, intervalMs: 200, message: 'the scroll to settle' },
    );
    expect(paused.fromBottom).toBeGreaterThan(300);

    // New lines keep coming; the view stays where the reader left it.
    const countWhenPaused = await logCount(page);
    await waitForLogCount(page, countWhenPaused + 50);
    const later = await logListView(page);
    expect(later.scrollTop).toBe(paused.scrollTop);
    expect(later.visibleLineNos).toEqual(paused.visibleLineNos);
    expect(later.fromBottom).toBeGreaterThan(paused.fromBottom);
    await expect(page.getByTestId('follow-button').isVisible()).resolves.toBe(true);

    await page.getByTestId('follow-button').click();
    await page.getByTestId('follow-button').waitFor({ state: 'detached', timeout: 5_000 });
    await waitFor(async () => (await logListView(page)).fromBottom < 40, {
      timeoutMs: 5_000,
      message: 'back at the bottom',
    });
    // And it keeps following: the newest lines come into view.
    const resumedAt = await logCount(page);
    await waitForLogCount(page, resumedAt + 20);
    await waitFor(
      async () => {
        const view = await logListView(page);
        return view.fromBottom < 40 && (view.visibleLineNos.at(-1) ?? 0) >= resumedAt + 20;
      },
      { timeoutMs: 5_000, message: 'following the new lines' },
    );
    await expect(page.getByTestId('follow-button').count()).resolves.toBe(0);
    expect(stack().pageErrors).toEqual([]);
  }, 60_000);

  it('shows a <script> line as text and never runs it', async () => {
    const hostile = [
      `<script>window.__pwned = 'script'</script>`,
      `<img src=x onerror="window.__pwned = 'img'">`,
      `<svg onload="window.__pwned = 'svg'"></svg>`,
    ];
    const script = `${hostile.map((line) => `printf '%s\\n' ${shellQuote(line)}`).join('; ')}; ${SLEEP_FOREVER}`;
    const container = await stack().containers.create(script);
    await waitFor(async () => (await readContainerLines(container)).length === hostile.length, {
      timeoutMs: 10_000,
      message: 'the container printed its lines',
    });
    // Without the page's CSP, which would block inline handlers anyway: this checks the rendering.
    const page = await openLogs(container.id, { bypassCSP: true });
    await waitForLogCount(page, hostile.length);

    const texts = await page.getByTestId('log-line').locator('.log-row__text').allTextContents();
    expect(texts).toEqual(hostile);
    const injected = await page
      .getByTestId('log-list')
      .evaluate((list) => list.querySelectorAll('script, img, svg, iframe').length);
    expect(injected).toBe(0);
    // Give an injected handler every chance: the image would have failed to load by now.
    await page.waitForLoadState('load');
    await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 100))),
    );
    expect(
      await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned),
    ).toBeUndefined();
    expect(stack().pageErrors).toEqual([]);
  }, 60_000);
});
