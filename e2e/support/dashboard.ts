/** What the tests read from and do to the dashboard page, through its `data-testid` hooks. */
import { readFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type Docker from 'dockerode';
import type { Locator, Page } from 'playwright-core';
import { waitFor } from '@flotilla/testing';
import type { Stack } from './stack';

/** Loads `path` of the dashboard and waits until its socket is connected. */
export async function openDashboard(page: Page, baseUrl: string, path = '/'): Promise<void> {
  await page.goto(`${baseUrl}${path}`, { waitUntil: 'domcontentloaded', timeout: 20_000 });
  await connectionState(page, 'connected').waitFor({ timeout: 20_000 });
}

/**
 * Signs in through the login form (users mode: without a session the socket is refused and the
 * page offers it) and waits until the fleet page's socket is connected.
 */
export async function signIn(
  stack: Pick<Stack, 'url'>,
  page: Page,
  user: string,
  password: string,
): Promise<void> {
  await page.goto(`${stack.url}/`, { waitUntil: 'domcontentloaded' });
  await page.getByTestId('login-form').waitFor({ timeout: 20_000 });
  await page.getByTestId('login-user').fill(user);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => u.pathname === '/', { timeout: 30_000 });
  await connectionState(page, 'connected').waitFor({ timeout: 30_000 });
}

export function connectionState(
  page: Page,
  state?: 'connected' | 'reconnecting' | 'offline',
): Locator {
  const pill = page.getByTestId('connection-state');
  return state ? pill.and(page.locator(`[data-state="${state}"]`)) : pill;
}

/** What the page says about its connection, streams and notifications (for failure messages). */
export async function describePage(page: Page): Promise<string> {
  return page
    .evaluate(() => {
      const attr = (testId: string, name: string): string =>
        [...document.querySelectorAll(`[data-testid="${testId}"]`)]
          .map((el) => `${el.getAttribute(name) ?? ''} (${el.getAttribute('title') ?? ''})`)
          .join(', ') || '-';
      const notes = [...document.querySelectorAll('[data-testid="notification-message"]')]
        .map((el) => el.textContent?.trim())
        .join(' | ');
      return `connection: ${attr('connection-state', 'data-state')}; stream: ${attr('streaming-indicator', 'data-state')}; notifications: ${notes || '-'}`;
    })
    .catch((error: unknown) => `page not readable: ${String(error)}`);
}

/** Waits until the log viewer's stream runs; on timeout, says what the page shows instead. */
export async function waitForStreaming(page: Page, timeoutMs = 15_000): Promise<void> {
  try {
    await page
      .getByTestId('streaming-indicator')
      .and(page.locator('[data-state="streaming"]'))
      .waitFor({ timeout: timeoutMs });
  } catch (error: unknown) {
    throw new Error(
      `the log stream did not start within ${timeoutMs} ms: ${await describePage(page)}`,
      {
        cause: error,
      },
    );
  }
}

/** The fleet row of a container (it must be rendered: filter the fleet first). */
export function containerRow(page: Page, containerId: string): Locator {
  return page.locator(`[data-testid="container-row"][data-container-id="${containerId}"]`);
}

/** Lines shown by the (first) log viewer, from its `log-count` ("1,234 lines", "12 of 40 lines"). */
export async function logCount(page: Page): Promise<number> {
  const text = (await page.getByTestId('log-count').first().textContent({ timeout: 5_000 })) ?? '';
  const match = /([\d,]+)/.exec(text);
  if (!match) throw new Error(`no count in "${text}"`);
  return Number(match[1].replace(/,/g, ''));
}

/** Waits until the log viewer shows at least `n` lines. */
export async function waitForLogCount(page: Page, n: number, timeoutMs = 20_000): Promise<number> {
  return waitFor(
    async () => {
      const count = await logCount(page);
      return count >= n ? count : 0;
    },
    { timeoutMs, intervalMs: 100, message: `${n} lines in the log viewer` },
  );
}

const DOCKER_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) /;

/**
 * Every line the log viewer holds, in its order, read through its Download button (the list is
 * virtual: only rows near the viewport exist in the DOM). Docker timestamps are stripped; gap
 * markers come out as `--- … ---`.
 */
export async function downloadLog(page: Page): Promise<string[]> {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 10_000 }),
    page.getByTestId('log-download').first().click(),
  ]);
  const path = await download.path();
  const text = await readFile(path, 'utf8');
  await download.delete();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line) => line.replace(DOCKER_TIMESTAMP, ''));
}

/** Scroll geometry of the log list, and the line numbers of the rows in view. */
export interface LogListView {
  scrollTop: number;
  /** Pixels between the bottom of the viewport and the end of the list. */
  fromBottom: number;
  /** `data-line-no` of the rows at least half inside the viewport, top to bottom. */
  visibleLineNos: number[];
}

export function logListView(page: Page): Promise<LogListView> {
  return page
    .getByTestId('log-list')
    .first()
    .evaluate((list) => {
      const box = list.getBoundingClientRect();
      const visibleLineNos = [...list.querySelectorAll<HTMLElement>('[data-testid="log-line"]')]
        .filter((row) => {
          const r = row.getBoundingClientRect();
          const middle = r.top + r.height / 2;
          return middle >= box.top && middle <= box.bottom;
        })
        .map((row) => Number(row.dataset['lineNo']))
        .sort((a, b) => a - b);
      return {
        scrollTop: list.scrollTop,
        fromBottom: list.scrollHeight - list.scrollTop - list.clientHeight,
        visibleLineNos,
      };
    });
}

/**
 * Records every `data-state` the connection pill takes, from the first load of every document
 * of the page's context, into `window.__connectionStates` (read with `connectionHistory`).
 */
export async function recordConnectionStates(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const states: string[] = [];
    (window as unknown as { __connectionStates: string[] }).__connectionStates = states;
    let last: string | null = null;
    const check = (): void => {
      const state =
        document.querySelector('[data-testid="connection-state"]')?.getAttribute('data-state') ??
        null;
      if (state !== null && state !== last) states.push(state);
      last = state ?? last;
    };
    new MutationObserver(check).observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-state'],
    });
  });
}

export function connectionHistory(page: Page): Promise<string[]> {
  return page.evaluate(() => [
    ...(window as unknown as { __connectionStates: string[] }).__connectionStates,
  ]);
}

/** Runs `touch path` in a container: the go signal its script waits for. */
export async function touch(container: Docker.Container, path: string): Promise<void> {
  const exec = await container.exec({
    Cmd: ['touch', path],
    AttachStdout: false,
    AttachStderr: false,
  });
  // Docker answers a detached start with an empty response: read it to its end, or its socket
  // stays open and keeps the test process alive.
  const response = await exec.start({ Detach: true });
  response.resume();
  await finished(response, { writable: false }).catch(() => undefined);
  response.destroy();
  await waitFor(async () => !(await exec.inspect()).Running, {
    timeoutMs: 5_000,
    message: `touch ${path}`,
  });
}

/** A script that waits for `/tmp/go` before running `then` (so it runs while the page watches). */
export function afterGo(then: string): string {
  return `while [ ! -f /tmp/go ]; do sleep 0.05; done; ${then}`;
}
