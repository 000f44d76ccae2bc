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

  it('a view from a time loses its replica: it asks again from its last line and shows each once', async () => {
    const { containers, url, hostId, docker } = stack();
    // A replica for the page to fail over to, whichever test killed one before.
    await stack().addReplica();
    // 300 lines before anyone watches (the view reads them from Docker's own log: no entry id
    // to resume after), then, on the go signal, 40 more.
    const container = await containers.create(
      'i=1; while [ $i -le 300 ]; do echo "m $i"; i=$((i+1)); done; ' +
        afterGo(
          `while [ $i -le 340 ]; do sleep 0.02; echo "m $i"; i=$((i+1)); done; ${SLEEP_FOREVER}`,
        ),
    );
    await stack().known(container.id);
    let from = '';
    await waitFor(
      async () => {
        const raw = (
          await docker.getContainer(container.id).logs({ stdout: true, timestamps: true })
        ).toString('utf8');
        from = /(\d{4}-\S+Z) m 200\n/.exec(raw)?.[1] ?? '';
        return raw.includes(' m 300\n');
      },
      { timeoutMs: 20_000, message: '300 lines written' },
    );
    const page = await stack().newPage();
    const numbers = async (): Promise<number[]> =>
      (await downloadLog(page))
        .map((l) => /^m (\d+)$/.exec(l)?.[1])
        .filter((n): n is string => n !== undefined)
        .map(Number);
    const since = new Date(Date.parse(from)).toISOString();
    await openDashboard(page, url, `/logs/${hostId}/${container.id}?since=${since}`);
    await waitForStreaming(page);
    await waitFor(async () => (await numbers()).at(-1) === 300, {
      timeoutMs: 20_000,
      message: 'the lines from the time',
    });

    await stack().killReplica(await stack().replicaOf(page));
    await connectionState(page, 'connected').waitFor({ timeout: 20_000 });
    await waitForStreaming(page);
    await touch(container, '/tmp/go');
    await waitFor(async () => (await numbers()).at(-1) === 340, {
      timeoutMs: 20_000,
      message: 'the live lines after the reconnect',
    });
    const shown = await numbers();
    // From the time's line (or one of its millisecond before it) to the last, each once.
    expect(shown[0]).toBeLessThanOrEqual(200);
    expect(shown).toEqual(Array.from({ length: 341 - shown[0] }, (_, i) => shown[0] + i));
    expect(await page.getByTestId('log-gap').count()).toBe(0);
    expect(stack().pageErrors).toEqual([]);
  }, 90_000);
});
