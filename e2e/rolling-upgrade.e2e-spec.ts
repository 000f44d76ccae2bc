/**
 * The upgrade procedure of docs/operations.md on the compose stack: gateway replicas recreated
 * one at a time, then the agent, while 100 dashboards follow one container's log and the fleet
 * state. Every dashboard ends with every line exactly once, in order, no state change twice,
 * and the state Docker has; each reconnection is counted.
 */
import type { Container } from '@flotilla/contracts';
import {
  dockerEngine,
  expectedLines,
  testContainers,
  ticker,
  waitFor,
  withoutTimestamp,
} from '@flotilla/testing';
import { startCompose, type ComposeStack } from './support/compose';
import { Watcher } from './support/watcher';

jest.setTimeout(30 * 60_000);

const CLIENTS = 100;

describe('rolling upgrade of the compose stack', () => {
  const docker = dockerEngine();
  const containers = testContainers(docker);
  let stack: ComposeStack | undefined;
  const watchers: Watcher[] = [];

  beforeAll(async () => {
    stack = await startCompose();
  });
  afterAll(async () => {
    for (const w of watchers) w.close();
    await containers.removeAll();
    await stack?.down();
  });

  it('loses and repeats nothing while the gateways, then the agent, are replaced one by one', async () => {
    const { url, hostId } = stack!;
    const headers = { authorization: `Bearer ${await stack!.login()}` };
    const logged = await containers.create(ticker('tick', 0.05));
    // Stopped and started during the upgrade: state changes the dashboards must all see.
    const churn = await containers.create(ticker('churn', 1));

    for (let i = 0; i < CLIENTS; i++) watchers.push(new Watcher(url, headers, logged.id));
    await waitFor(
      async () => {
        const r = await fetch(`${url}/api/containers`, { headers }).catch(() => undefined);
        const list = r?.ok ? ((await r.json()) as { containers: Container[] }).containers : [];
        const ids = new Set(list.map((c) => c.container_id));
        return ids.has(logged.id) && ids.has(churn.id);
      },
      { timeoutMs: 30_000, message: 'the agent reported the test containers' },
    );
    for (const w of watchers) await w.start();
    await waitFor(() => watchers.every((w) => w.lines.length >= 20), {
      timeoutMs: 60_000,
      message: 'every dashboard streaming',
    });

    /** The dashboards whose socket is on the replica `service` runs now. */
    const watchersOn = async (service: string): Promise<Watcher[]> => {
      const services = new Map<string, string>();
      for (const id of new Set(watchers.map((w) => w.serverId ?? '')))
        services.set(id, await stack!.serviceOfReplica(id));
      return watchers.filter((w) => services.get(w.serverId ?? '') === service);
    };
    const replace = async (service: string): Promise<void> => {
      const gateway = service !== 'agent';
      // A replaced gateway's dashboards must notice the loss and be back before the next step:
      // settled() alone would pass for one whose socket has not closed yet.
      const dropped = gateway ? await watchersOn(service) : [];
      const before = dropped.map((w) => w.reconnections);
      const r = await stack!.compose(['up', '-d', '--no-deps', '--force-recreate', service]);
      if (r.code !== 0) throw new Error(`recreating ${service}: ${r.stderr}`);
      if (gateway) await stack!.waitHealthy(service);
      const back = (w: Watcher, i: number): boolean => w.reconnections > before[i] && w.connected;
      await waitFor(() => dropped.every(back), {
        timeoutMs: 90_000,
        message: `every dashboard of ${service} back on the other replica`,
      }).catch((error: unknown) => {
        const missing = dropped.filter((w, i) => !back(w, i));
        const detail = missing.slice(0, 5).map((w) => w.describe());
        throw new Error(`${String(error)}; ${missing.length} not back: ${detail.join(' | ')}`);
      });
      await Promise.all(watchers.map((w) => w.settled()));
      process.stdout.write(
        `rolling upgrade: ${service} replaced; ${dropped.length} dashboards moved, the slowest back after ${Math.max(0, ...dropped.map((w) => w.longestReconnectMs))} ms\n`,
      );
      await churn.stop({ t: 1 });
      await churn.start();
    };
    await replace('gateway-1');
    await replace('gateway-2');
    await replace('agent');

    // What the gateways hold once the churned container runs again: each dashboard must agree.
    const truth = await waitFor(
      async () => {
        const r = await fetch(`${url}/api/containers/${hostId}/${churn.id}`, { headers });
        const c = r.ok
          ? ((await r.json()) as { container: { state: string; revision: number } }).container
          : undefined;
        return c?.state === 'running' ? c : undefined;
      },
      { timeoutMs: 30_000, message: 'the churned container running again' },
    );
    await waitFor(
      () =>
        watchers.every((w) => {
          const seen = w.states.get(`${hostId}/${churn.id}`);
          return w.connected && seen?.state === 'running' && seen.revision >= truth.revision;
        }),
      {
        timeoutMs: 60_000,
        message: 'every dashboard has the churned container as the fleet has it',
      },
    );
    // A line the ticker prints after everything: everyone gets as far, then compare.
    const mark = (await waitFor(() => Math.max(...watchers.map((w) => w.lines.length)))) + 40;
    await waitFor(() => watchers.every((w) => w.lines.length >= mark), {
      timeoutMs: 60_000,
      message: `every dashboard at ${mark} lines`,
    });
    const reconnections = watchers.map((w) => w.reconnections);
    console.log(
      `rolling upgrade: ${CLIENTS} dashboards, reconnections per dashboard min ${Math.min(...reconnections)} max ${Math.max(...reconnections)}, total ${reconnections.reduce((a, b) => a + b, 0)}`,
    );
    for (const w of watchers) {
      const lines = w.lines.map(withoutTimestamp);
      expect(lines).toEqual(expectedLines(lines.length, 'tick'));
      expect(w.duplicates).toEqual([]);
      expect(w.gaps).toBe(0);
    }
    // Both gateways were replaced: every dashboard lost its socket at least once.
    expect(Math.min(...reconnections)).toBeGreaterThanOrEqual(1);
  });
});
