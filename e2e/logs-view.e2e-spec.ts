import { randomBytes } from 'node:crypto';
import { SLEEP_FOREVER, readContainerLines, shellQuote, waitFor } from '@flotilla/testing';
import type { Page } from 'playwright-core';
import { logCount, openDashboard, waitForLogCount, waitForStreaming } from './support/dashboard';
import { useStack } from './support/stack';

/** A script printing `lines` (each as is) then staying up. */
function printThenWait(lines: readonly string[]): string {
  return `${lines.map((line) => `printf '%s\\n' ${shellQuote(line)}`).join('; ')}; ${SLEEP_FOREVER}`;
}

/** The text of the log counter: "5 lines", "3 of 5 lines". */
async function counterText(page: Page): Promise<string> {
  const text = await page.getByTestId('log-count').first().textContent({ timeout: 5_000 });
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

describe('log view: JSON levels, stacks, phones (Chromium against the real stack)', () => {
  const stack = useStack();

  const openLogs = async (path: string, contextOptions = {}): Promise<Page> => {
    const page = await stack().newPage(contextOptions);
    await openDashboard(page, stack().url, path);
    await waitForStreaming(page);
    return page;
  };

  it('colours a JSON error line like a plain ERROR line and the ERROR filter keeps it', async () => {
    const lines = [
      '{"level":"info","msg":"ready"}',
      '{"level":50,"time":1714557600000,"msg":"pino: database down"}',
      '{"severity":"ERROR","message":"gcp: quota exceeded"}',
      'ERROR plain failure',
      'INFO plain start',
    ];
    const container = await stack().containers.create(printThenWait(lines));
    await waitFor(async () => (await readContainerLines(container)).length === lines.length, {
      timeoutMs: 10_000,
      message: 'the container printed its lines',
    });
    await stack().known(container.id);
    const page = await openLogs(`/logs/${stack().hostId}/${container.id}`);
    await waitForLogCount(page, lines.length);

    const row = (text: string) =>
      page.getByTestId('log-line').filter({ hasText: text }).locator('.log-row__level');
    const colourOf = (text: string) =>
      row(text).evaluate((el) => getComputedStyle(el).backgroundColor);
    const plainError = await colourOf('plain failure');
    await expect(colourOf('pino: database down')).resolves.toBe(plainError);
    await expect(colourOf('gcp: quota exceeded')).resolves.toBe(plainError);
    await expect(colourOf('ready')).resolves.not.toBe(plainError);

    await page.getByTestId('log-level-filter').selectOption('error');
    await waitFor(async () => (await counterText(page)) === '3 of 5 lines', {
      timeoutMs: 5_000,
      message: 'the ERROR filter to keep three lines',
    });
    const shown = await page.getByTestId('log-line').locator('.log-row__text').allTextContents();
    expect(shown).toEqual([lines[1], lines[2], 'ERROR plain failure']);

    // Every JSON line pretty-printed: more rows, the same count of lines.
    await page.getByTestId('log-json-expand-all').click();
    await page.getByTestId('log-json-line').first().waitFor({ timeout: 5_000 });
    expect(await page.getByTestId('log-json-line').count()).toBeGreaterThan(4);
    expect(await counterText(page)).toBe('3 of 5 lines');
    await page.getByTestId('log-json-collapse-all').click();
    await page.getByTestId('log-json-line').first().waitFor({ state: 'detached', timeout: 5_000 });
    expect(stack().pageErrors).toEqual([]);
  }, 60_000);

  it('opens every container of a compose stack merged: /logs?project=<name>', async () => {
    const project = `e2e-stack-${randomBytes(3).toString('hex')}`;
    const services = Array.from({ length: 8 }, (_, i) => `svc${i + 1}`);
    const containers = await Promise.all(
      services.map((service) =>
        stack().containers.create(printThenWait([`${service} says hello`]), {
          name: `${project}-${service}`,
          labels: {
            'com.docker.compose.project': project,
            'com.docker.compose.service': service,
          },
        }),
      ),
    );
    for (const c of containers) await stack().known(c.id);

    const page = await openLogs(`/logs?project=${project}`);
    await expect(page.getByTestId('log-project').textContent()).resolves.toBe(project);
    // One merged viewer over all eight streams.
    const viewer = page.getByTestId('log-viewer');
    await waitFor(
      async () => ((await viewer.getAttribute('data-sources')) ?? '').split(' ').length === 8,
      { timeoutMs: 10_000, message: 'eight streams in one viewer' },
    );
    expect(await viewer.count()).toBe(1);
    await expect(page.getByTestId('log-merge-toggle').getAttribute('aria-pressed')).resolves.toBe(
      'true',
    );
    await waitForLogCount(page, services.length);
    const texts = await page.getByTestId('log-line').locator('.log-row__text').allTextContents();
    expect([...texts].sort()).toEqual(services.map((s) => `${s} says hello`).sort());
    expect(await logCount(page)).toBe(services.length);
    expect(stack().pageErrors).toEqual([]);
  }, 90_000);

  it('wraps long lines on a 390x844 phone: every row fits and the whole text shows', async () => {
    const long = `phone ${Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ')} end`;
    const container = await stack().containers.create(printThenWait([long, 'short']));
    await waitFor(async () => (await readContainerLines(container)).length === 2, {
      timeoutMs: 10_000,
      message: 'the container printed its lines',
    });
    await stack().known(container.id);
    const page = await openLogs(`/logs/${stack().hostId}/${container.id}`, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await waitForLogCount(page, 2);
    await expect(page.getByTestId('log-wrap-toggle').getAttribute('aria-pressed')).resolves.toBe(
      'true',
    );
    await waitFor(async () => (await page.getByTestId('log-line-wrap').count()) > 0, {
      timeoutMs: 5_000,
      message: 'the long line wrapped onto more rows',
    });

    const geometry = await page.getByTestId('log-list').evaluate((list) => {
      const rows = [...list.querySelectorAll<HTMLElement>('.log-row')];
      // Elements reaching past the phone's width (none of their children does): what to fix.
      const wide = [...document.body.querySelectorAll<HTMLElement>('*')]
        .filter((el) => el.getBoundingClientRect().right > 390.5 && !list.contains(el))
        .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > 390.5))
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
      return {
        wide,
        docWidth: document.documentElement.scrollWidth,
        listOverflow: list.scrollWidth - list.clientWidth,
        rights: rows.map((r) => r.querySelector('.log-row__text')?.getBoundingClientRect().right),
        texts: rows.map((r) => r.querySelector('.log-row__text')?.textContent ?? ''),
      };
    });
    expect(geometry.wide).toEqual([]);
    expect(geometry.docWidth).toBeLessThanOrEqual(390);
    expect(geometry.listOverflow).toBeLessThanOrEqual(0);
    for (const right of geometry.rights) expect(right).toBeLessThanOrEqual(390);
    // The rows of the long line, in order, make up its whole text; the short one follows.
    expect(geometry.texts.length).toBeGreaterThan(2);
    expect(geometry.texts.slice(0, -1).join('')).toBe(long);
    expect(geometry.texts.at(-1)).toBe('short');
    // Each of them is legible: well over ten characters a row.
    expect(geometry.texts[0]?.length).toBeGreaterThan(30);

    // Wrapping off: one row per line again (scrolls sideways).
    await page.getByTestId('log-wrap-toggle').click();
    await page.getByTestId('log-line-wrap').first().waitFor({ state: 'detached', timeout: 5_000 });
    expect(await page.getByTestId('log-line').count()).toBe(2);
    expect(stack().pageErrors).toEqual([]);
  }, 60_000);
});
