import { isDeepStrictEqual } from 'node:util';
import { applyCountsUpdate, COMPOSE_PROJECT_LABEL, type HostCounts } from '@flotilla/contracts';
import { countContainers } from '../src/fleet/fleet-tally';
import {
  announceHost,
  changed,
  makeContainer,
  publishChange,
  uniqueHostId,
} from './support/fleet-fixtures';
import { startHarness, type Harness } from './support/gateway-harness';
import type { TestClient } from './support/test-client';

jest.setTimeout(30_000);

describe('a dashboard that connects with a view (real Socket.IO and Redis)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ replicas: 1 });
  });
  afterAll(async () => {
    await h?.close();
  });

  /** The client's counts: its initial_state's, updated by every counts_update so far. */
  const countsOf = (client: TestClient): Record<string, HostCounts> =>
    client
      .all('counts_update')
      .reduce(applyCountsUpdate, client.all('initial_state')[0].counts ?? {});

  it('gets its view in full and the rest as counts kept exact, while a seed client still gets everything', async () => {
    const shown = uniqueHostId('shown');
    const counted = uniqueHostId('counted');
    const labels = { [COMPOSE_PROJECT_LABEL]: 'shop' };
    const mine = makeContainer(shown);
    const others = [makeContainer(counted, { labels }), makeContainer(counted, { labels })];
    await announceHost(h.bus, shown, [mine]);
    await announceHost(h.bus, counted, others);
    const viewer = await h.connect(0, { auth: { view: { counts: true, hosts: [shown] } } });
    const seed = await h.connect(0);
    await viewer.waitFor('initial_state');
    await waitForCountsOf(viewer, counted, countContainers(others));
    const initial = viewer.all('initial_state')[0];
    expect(initial.partial).toBe(true);
    expect(initial.containers.filter((c) => c.host_id === counted)).toEqual([]);

    const stopped = changed(others[0], { state: 'exited', exit_code: 1 });
    await publishChange(h.bus, stopped);
    await seed.waitFor('container_state_change', (c) => c.revision === stopped.revision);
    await waitForCountsOf(viewer, counted, countContainers([stopped, others[1]]));
    expect(viewer.all('container_state_change')).toEqual([]);
    expect(countsOf(viewer)[counted].projects).toEqual({ shop: { running: 1, exited: 1 } });

    // Brought into view: the ack carries the host's containers, and its next change comes live.
    const ack = await viewer.request('subscribe', { hosts: [shown, counted] });
    expect(ack.status === 'ok' && ack.containers?.map((c) => c.revision).sort()).toEqual(
      [stopped.revision, others[1].revision].sort(),
    );
    const restarted = changed(stopped, { state: 'running' });
    await publishChange(h.bus, restarted);
    await viewer.waitFor('container_state_change', (c) => c.revision === restarted.revision);
    expect(viewer.all('container_state_change')).toEqual([restarted]);
  });

  it('refuses a malformed view with a clear error and serves everyone else', async () => {
    const bystander = await h.connect(0);
    for (const view of [{ counts: 'yes' }, { counts: true, hosts: ['not a host id'] }, 'all']) {
      const client = await h.connect(0, { auth: { view }, waitInitial: false });
      const error = await client.waitFor('error');
      expect(error).toMatchObject({ code: 'invalid_payload' });
      expect(error.error).toMatch(/^view: /);
      await waitForDisconnect(client);
      expect(client.all('initial_state')).toEqual([]);
    }
    expect(await bystander.request('heartbeat', { sent_at: 1 })).toMatchObject({ status: 'ok' });
  });

  async function waitForCountsOf(
    client: TestClient,
    hostId: string,
    expected: HostCounts,
  ): Promise<void> {
    const matches = (): boolean => isDeepStrictEqual(countsOf(client)[hostId], expected);
    if (!matches()) await client.waitFor('counts_update', matches, 10_000);
    expect(countsOf(client)[hostId]).toEqual(expected);
  }

  async function waitForDisconnect(client: TestClient): Promise<void> {
    if (!client.socket.connected) return;
    await new Promise<void>((resolve) => client.socket.once('disconnect', () => resolve()));
  }
});
