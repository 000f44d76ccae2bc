import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { compareStreamIds } from '@flotilla/bus';
import { waitFor, WebhookReceiver } from '@flotilla/testing';
import { signIn } from './support/dashboard';
import { useStack } from './support/stack';

const SCREENSHOT = join(__dirname, '..', 'docs', 'screenshots', 'alerts.png');

/**
 * The rule editor as an admin uses it (users mode, two replicas behind the balancer): a rule made
 * in the page fires on a real container's non-zero exit, the local receiver gets one POST, and
 * the history says "delivered". An operator sees no link and is told the page is for admins.
 */
describe('alert rules page (Chromium, users mode, two replicas)', () => {
  const password = 'e2e password 1';
  const stack = useStack({
    users: [
      { user: 'root', role: 'admin', password },
      { user: 'olga', role: 'operator', password },
    ],
  });
  let receiver: WebhookReceiver;

  beforeAll(async () => (receiver = await WebhookReceiver.start()));
  afterAll(() => receiver?.close());

  it('an admin makes a rule in the page; a non-zero exit is posted once and shown delivered', async () => {
    const s = stack();
    const tag = randomBytes(3).toString('hex');
    const name = `e2e-alert-${tag}`;
    const ruleName = `${name} exits`;
    const page = await s.newPage({ viewport: { width: 1280, height: 760 } });
    await signIn(s, page, 'root', password);
    await page.getByTestId('nav-alerts').click();
    await page.waitForURL(/\/alerts$/, { timeout: 10_000 });
    await page.getByTestId('rules-empty').waitFor({ timeout: 10_000 });

    await page.getByTestId('alert-new').click();
    await page.getByTestId('rule-name').fill(ruleName);
    // Checked in the page as the gateway would: nothing is sent.
    await page.getByTestId('rule-webhook').fill('ftp://hooks.example/x');
    await page.getByTestId('rule-save').click();
    await page.getByTestId('rule-error-webhook_url').waitFor({ timeout: 5_000 });
    // Only the gateway compiles RE2: its 400 shows next to the pattern.
    await page.getByTestId('rule-webhook').fill(receiver.url('/hook'));
    await page.getByTestId('rule-kind').selectOption('log_match');
    await page.getByTestId('rule-pattern').fill('fail(?=ed)');
    await page.getByTestId('rule-save').click();
    const patternError = page.getByTestId('rule-error-pattern');
    await patternError.waitFor({ timeout: 10_000 });
    expect(await patternError.textContent()).toContain('trigger.pattern');

    await page.getByTestId('rule-kind').selectOption('exit_nonzero');
    await page.getByTestId('rule-container').fill(`${name}*`);
    await page.getByTestId('rule-save').click();
    const row = page.locator(`[data-testid="rule-row"][data-rule="${ruleName}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain(`name ${name}*`);
    await waitFor(() => s.gateways.every((g) => g.inspect().alerts.rules.length === 1), {
      timeoutMs: 15_000,
      message: 'every replica evaluates with the rule',
    });

    await s.containers.create('echo about to fail; sleep 1; exit 3', { name });
    const post = await waitFor(() => receiver.received[0]?.body, {
      timeoutMs: 30_000,
      message: 'the receiver to get the alert',
    });
    expect(post).toMatchObject({ kind: 'exit_nonzero', container_name: name, exit_code: 3 });
    expect(String(post.text)).toContain(`${name} on ${s.hostId} exited with code 3`);

    const fired = page.locator(`[data-testid="firing-row"][data-rule="${ruleName}"]`);
    await fired.and(page.locator('[data-status="delivered"]')).waitFor({ timeout: 20_000 });
    expect(await fired.getByTestId('firing-status').textContent()).toContain('delivered');
    // Both replicas have weighed that event and neither is delivering: one POST, not two.
    await waitFor(
      () =>
        s.gateways.every((g) => {
          const alerts = g.inspect().alerts;
          const seen = alerts.evaluated[s.hostId];
          return (
            seen !== undefined &&
            compareStreamIds(seen, String(post.event_id)) >= 0 &&
            alerts.deliveries === 0
          );
        }),
      { timeoutMs: 15_000, message: 'every replica done with the exit' },
    );
    expect(receiver.received).toHaveLength(1);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: SCREENSHOT });

    // An operator: no link, and the page says who it is for.
    const olga = await s.newPage();
    await signIn(s, olga, 'olga', password);
    await s.replicaOf(olga); // the gateway has said who olga is
    expect(await olga.getByTestId('nav-alerts').count()).toBe(0);
    await olga.goto(`${s.url}/alerts`, { waitUntil: 'domcontentloaded' });
    await olga.getByTestId('alerts-admins-only').waitFor({ timeout: 20_000 });
    expect(await olga.getByTestId('rule-row').count()).toBe(0);
    expect(s.pageErrors).toEqual([]);
  }, 180_000);
});
