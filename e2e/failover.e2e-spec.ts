import {
  SLEEP_FOREVER,
  expectedLines,
  readContainerLines,
  shellQuote,
  waitFor,
} from '@flotilla/testing';
import {
  afterGo,
  connectionHistory,
  connectionState,
  downloadLog,
  logCount,
  openDashboard,
  recordConnectionStates,
  touch,
  waitForLogCount,
  waitForStreaming,
} from './support/dashboard';
import { useStack } from './support/stack';

const TOTAL = 800;

/** Prints `n 1` … `n TOTAL`, one every ~10 ms (about ten seconds), then stays up. */
const numbered = `i=1; while [ $i -le ${TOTAL} ]; do printf '%s %d\\n' ${shellQuote('n')} $i; i=$((i+1)); sleep 0.01; done; ${SLEEP_FOREVER}`;

describe('gateway replica failure (Chromium against the real stack)', () => {
  const stack = useStack({ replicas: 2 });

  it("the page's replica is killed mid-stream: it reconnects to the other and shows every line once, in order", async () => {
    const { containers, url, hostId, gateways } = stack();
    const container = await containers.create(afterGo(numbered));
    await stack().known(container.id);
    const page = await stack().newPage();
    await recordConnectionStates(page);
    await openDashboard(page, url, `/logs/${hostId}/${container.id}`);
    await waitForStreaming(page);
    await page.evaluate(
      () => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true),
    );

    const victim = await stack().replicaOf(page);
    const survivor = gateways.find((g) => g !== victim)!;
    expect(victim.inspect().connections).toBe(1);
    expect(survivor.inspect().connections).toBe(0);

    await touch(container, '/tmp/go');
    await waitForLogCount(page, 150);
    const statesBefore = (await connectionHistory(page)).length;
    await stack().killReplica(victim);
    const shownAtKill = await logCount(page);

    // Every state the pill took since the kill, recorded in the page (no transient is missed).
    const statesSinceKill = async (): Promise<string[]> =>
      (await connectionHistory(page)).slice(statesBefore);
    await waitFor(async () => (await statesSinceKill()).includes('reconnecting'), {
      timeoutMs: 5_000,
      message: 'the page to notice the lost connection',
    });
    await connectionState(page, 'connected').waitFor({ timeout: 20_000 });
    expect(await statesSinceKill()).toEqual(['reconnecting', 'connected']);
    await expect(stack().replicaOf(page)).resolves.toBe(survivor);
    await waitForStreaming(page);

    // The container writes its last line; the page catches up with all of them.
    await waitFor(async () => (await readContainerLines(container)).length === TOTAL, {
      timeoutMs: 40_000,
      intervalMs: 250,
      message: `the container to print ${TOTAL} lines`,
    });
    await waitForLogCount(page, TOTAL, 20_000);
    const shown = await downloadLog(page);
    expect(shownAtKill).toBeLessThan(TOTAL); // the kill was mid-stream
    expect(shown).toEqual(expectedLines(TOTAL, 'n'));
    expect(await page.getByTestId('log-gap').count()).toBe(0);
    expect(
      await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
    expect(stack().pageErrors).toEqual([]);
  }, 90_000);
});
