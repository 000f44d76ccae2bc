import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { printLinesThenWait } from '@flotilla/testing';
import { signIn } from './support/dashboard';
import { useStack } from './support/stack';

const SCREENSHOT = join(__dirname, '..', 'docs', 'screenshots', 'pins.png');

/**
 * An operator pins a log line with a note on the container page; a viewer in another browser,
 * reading the same container's log, sees the pin appear on that line live (two replicas behind
 * the balancer); the container page lists it, linking to the line.
 */
describe('pinned lines (Chromium, two users, two replicas)', () => {
  const password = 'e2e password 1';
  const stack = useStack({
    users: [
      { user: 'alice', role: 'operator', password },
      { user: 'bob', role: 'viewer', password },
    ],
  });

  /** The row of a line by its text (a pinned row also shows its note, after the text). */
  const line = (page: Page, text: string) =>
    page
      .getByTestId('log-line')
      .filter({ has: page.locator('.log-row__text', { hasText: new RegExp(`^${text}$`) }) });

  it('pins a line with a note; another browser sees it live; the container page lists it', async () => {
    const s = stack();
    const c = await s.containers.create(printLinesThenWait(20, 'request'));
    await s.known(c.id);
    const [alice, bob] = await Promise.all([s.newPage(), s.newPage()]);
    await signIn(s, alice, 'alice', password);
    await signIn(s, bob, 'bob', password);

    await bob.goto(`${s.url}/logs/${s.hostId}/${c.id}`, { waitUntil: 'domcontentloaded' });
    await line(bob, 'request 7').waitFor({ timeout: 30_000 });
    // A viewer is offered no pin action.
    expect(await bob.getByTestId('log-pin-button').count()).toBe(0);

    await alice.goto(`${s.url}/containers/${s.hostId}/${c.id}`, { waitUntil: 'domcontentloaded' });
    await alice.getByTestId('container-pins-empty').waitFor({ timeout: 30_000 });
    const target = line(alice, 'request 7');
    await target.waitFor({ timeout: 30_000 });
    // Keyboard: the pin button is reached by focus and pressed with Enter.
    await target.getByTestId('log-pin-button').focus();
    await alice.keyboard.press('Enter');
    const note = '<b>first</b> slow request & retry';
    await alice.getByTestId('pin-note-input').fill(note);
    await alice.getByTestId('pin-note-input').press('Enter');
    await alice.getByTestId('pin-form').waitFor({ state: 'detached', timeout: 10_000 });

    // bob, on the other browser and maybe the other replica, sees the note on that line.
    const seen = line(bob, 'request 7').getByTestId('log-pin-note');
    await seen.waitFor({ timeout: 10_000 });
    expect(await seen.textContent()).toBe(note);
    expect(await bob.locator('.log-row__pin-note b').count()).toBe(0);

    // The container page lists it: time, user, note, line, linking to the line.
    const card = alice.getByTestId('pin-card');
    await card.waitFor({ timeout: 10_000 });
    expect(await card.getByTestId('pin-user').textContent()).toBe('alice');
    expect(await card.getByTestId('pin-note').textContent()).toBe(note);
    expect(await card.getByTestId('pin-line').textContent()).toBe('request 7');
    const href = await card.getByTestId('pin-link').getAttribute('href');
    expect(href).toMatch(new RegExp(`^/logs/${s.hostId}/${c.id}\\?at=\\d{4}-`));
    await card.scrollIntoViewIfNeeded();
    await alice.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(s.pageErrors).toEqual([]);
  }, 180_000);
});
