import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SLEEP_FOREVER } from '@flotilla/testing';
import { connectionState, containerRow, signIn } from './support/dashboard';
import { useStack } from './support/stack';

const SCREENSHOT = join(__dirname, '..', 'docs', 'screenshots', 'presence.png');

const alsoHere = (page: Page, text: string) =>
  page.locator(`[data-testid="also-here"][data-others="${text}"]`);

/**
 * Three people in three browsers (users mode, two replicas behind the balancer): two open the
 * same container and see each other; the third, on the fleet list, sees the row's watcher count.
 */
describe('presence (Chromium, two users, two replicas)', () => {
  const password = 'e2e password 1';
  const stack = useStack({
    users: [
      { user: 'alice', role: 'operator', password },
      { user: 'bob', role: 'viewer', password },
      { user: 'olga', role: 'viewer', password },
    ],
  });

  it('shows who else is on the container page, and a watcher count on the fleet row', async () => {
    const s = stack();
    const name = `e2e-presence-${randomBytes(3).toString('hex')}`;
    const c = await s.containers.create(SLEEP_FOREVER, { name });
    await s.known(c.id);
    const [alice, bob, olga] = await Promise.all([s.newPage(), s.newPage(), s.newPage()]);
    await signIn(s, alice, 'alice', password);
    await signIn(s, bob, 'bob', password);
    await signIn(s, olga, 'olga', password);
    await olga.getByTestId('fleet-search').fill(`name:${name}`, { timeout: 30_000 });
    const row = containerRow(olga, c.id);
    await row.waitFor({ timeout: 20_000 });

    const page = `/containers/${s.hostId}/${c.id}`;
    await alice.goto(`${s.url}${page}`, { waitUntil: 'domcontentloaded' });
    await alice.getByTestId('container-details').waitFor({ timeout: 20_000 });
    await bob.goto(`${s.url}${page}`, { waitUntil: 'domcontentloaded' });
    await bob.getByTestId('container-details').waitFor({ timeout: 20_000 });

    await alsoHere(alice, 'bob').waitFor({ timeout: 20_000 });
    await alsoHere(bob, 'alice').waitFor({ timeout: 20_000 });
    const eye = row.getByTestId('watchers');
    await eye.and(olga.locator('[aria-label="2 people looking at it"]')).waitFor({
      timeout: 20_000,
    });
    expect(await eye.textContent()).toContain('2');
    await alice.screenshot({ path: SCREENSHOT });

    // bob leaves for the fleet list: alice is alone again, and the row counts one.
    await bob.getByRole('link', { name: 'Fleet' }).first().click();
    await alice.getByTestId('also-here-names').waitFor({ state: 'detached', timeout: 20_000 });
    await eye.and(olga.locator('[aria-label="1 person looking at it"]')).waitFor({
      timeout: 20_000,
    });
    expect(s.pageErrors).toEqual([]);
  }, 180_000);

  it('shows who else looks at the same compose stack', async () => {
    const s = stack();
    const project = `e2e-stack-${randomBytes(3).toString('hex')}`;
    const labels = { 'com.docker.compose.project': project, 'com.docker.compose.service': 'web' };
    const c = await s.containers.create(SLEEP_FOREVER, { labels });
    await s.known(c.id);
    const [alice, bob] = await Promise.all([s.newPage(), s.newPage()]);
    await signIn(s, alice, 'alice', password);
    await signIn(s, bob, 'bob', password);
    for (const page of [alice, bob])
      await page.goto(`${s.url}/logs?project=${project}`, { waitUntil: 'domcontentloaded' });
    await alsoHere(alice, 'bob').waitFor({ timeout: 20_000 });
    await alsoHere(bob, 'alice').waitFor({ timeout: 20_000 });
    expect(s.pageErrors).toEqual([]);
  }, 180_000);
});

describe('presence without logins (Chromium, two replicas)', () => {
  const stack = useStack();

  it('counts anonymous viewers of the same container', async () => {
    const s = stack();
    const c = await s.containers.create(SLEEP_FOREVER);
    await s.known(c.id);
    const pages = await Promise.all([s.newPage(), s.newPage(), s.newPage()]);
    for (const page of pages) {
      await page.goto(`${s.url}/containers/${s.hostId}/${c.id}`, {
        waitUntil: 'domcontentloaded',
      });
      await connectionState(page, 'connected').waitFor({ timeout: 30_000 });
    }
    // Nobody has a name: each page sees the two others as a count.
    for (const page of pages) await alsoHere(page, '2 others').waitFor({ timeout: 20_000 });
    expect(s.pageErrors).toEqual([]);
  }, 180_000);
});
