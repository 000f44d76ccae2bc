import { isDeepStrictEqual } from 'node:util';
import { applyCountsUpdate, COMPOSE_PROJECT_LABEL, type HostCounts } from '@flotilla/contracts';
import { ANONYMOUS_ADMIN, type Principal } from '../auth/principal';
import {
  announceHost,
  changed,
  makeContainer,
  publishChange,
} from '../../test/support/fleet-fixtures';
import { MemoryReplica } from '../../test/support/memory-replica';
import { countContainers } from './fleet-tally';

const shop = { [COMPOSE_PROJECT_LABEL]: 'shop' };

describe('FleetFeed: a socket with a view (counts for all, containers for its view)', () => {
  let replica: MemoryReplica;

  beforeEach(() => {
    replica = new MemoryReplica({ countsIntervalMs: 20 });
  });
  afterEach(() => replica.close());

  it('gets every host counted but only its view in full, then counts_update for the rest', async () => {
    const a = [makeContainer('host-a', { labels: shop }), makeContainer('host-a')];
    const b = [
      makeContainer('host-b', { labels: shop }),
      makeContainer('host-b', { labels: shop }),
    ];
    await announceHost(replica.bus, 'host-a', a);
    await announceHost(replica.bus, 'host-b', b);
    await replica.start();
    const [connection, socket] = replica.connect('v', ANONYMOUS_ADMIN, {
      counts: true,
      hosts: ['host-a'],
    });
    await replica.feed.connect(connection);

    const initial = await socket.waitFor('initial_state');
    expect(initial.partial).toBe(true);
    expect(initial.containers.map((c) => c.container_id).sort()).toEqual(
      a.map((c) => c.container_id).sort(),
    );
    expect(initial.hosts.map((h) => h.host_id).sort()).toEqual(['host-a', 'host-b']);
    expect(initial.counts).toEqual({ 'host-a': countContainers(a), 'host-b': countContainers(b) });

    // Outside the view: counted, not sent. Inside: sent once, as before.
    const bStopped = changed(b[0], { state: 'exited' });
    await publishChange(replica.bus, bStopped);
    const aStopped = changed(a[1], { state: 'exited' });
    await publishChange(replica.bus, aStopped);
    await socket.waitFor('container_state_change', (c) => c.revision === aStopped.revision);
    const expected = {
      'host-a': countContainers([a[0], aStopped]),
      'host-b': countContainers([bStopped, b[1]]),
    };
    await waitForCounts(socket, initial.counts ?? {}, expected);
    expect(expected['host-b'].projects).toEqual({ shop: { running: 1, exited: 1 } });
    expect(socket.all('container_state_change')).toEqual([aStopped]);
  });

  it('subscribe answers with the containers it brings into view, once; later changes come live', async () => {
    const b = [makeContainer('host-b'), makeContainer('host-b')];
    await announceHost(replica.bus, 'host-a', [makeContainer('host-a')]);
    await announceHost(replica.bus, 'host-b', b);
    await replica.start();
    const [connection, socket] = replica.connect('v', ANONYMOUS_ADMIN, {
      counts: true,
      hosts: ['host-a'],
    });
    await replica.feed.connect(connection);
    const initial = await socket.waitFor('initial_state');

    const ack = replica.feed.subscribe(connection, { hosts: ['host-a', 'host-b'] });
    expect(ack.status === 'ok' && ack.containers?.map((c) => c.container_id).sort()).toEqual(
      b.map((c) => c.container_id).sort(),
    );
    // Already in view: nothing again.
    const again = replica.feed.subscribe(connection, { hosts: ['host-a', 'host-b'] });
    expect(again).toEqual({ status: 'ok', containers: [] });
    const stopped = changed(b[1], { state: 'exited' });
    await publishChange(replica.bus, stopped);
    await socket.waitFor('container_state_change', (c) => c.revision === stopped.revision);
    expect(socket.all('container_state_change')).toEqual([stopped]);
    // An empty view: counts only.
    expect(replica.feed.subscribe(connection, {})).toEqual({ status: 'ok', containers: [] });
    const restarted = changed(stopped, { state: 'running' });
    await publishChange(replica.bus, restarted);
    await waitForCounts(socket, initial.counts ?? {}, {
      'host-a': initial.counts?.['host-a'],
      'host-b': countContainers([b[0], restarted]),
    });
    expect(socket.all('container_state_change')).toEqual([stopped]);
  });

  it('counts for a user limited to some containers only what that user may see', async () => {
    const mine = makeContainer('host-a', { name: 'shop-web', labels: shop });
    const theirs = makeContainer('host-a', { name: 'billing', labels: shop });
    await announceHost(replica.bus, 'host-a', [mine, theirs]);
    await replica.start();
    const scoped: Principal = {
      user: 'ann',
      roles: ['viewer'],
      scopes: ['host:*'],
      containers: { names: ['shop-*'], labels: {} },
    };
    const [connection, socket] = replica.connect('v', scoped, { counts: true });
    await replica.feed.connect(connection);
    const initial = await socket.waitFor('initial_state');
    expect(initial.containers).toEqual([]);
    expect(initial.counts).toEqual({ 'host-a': countContainers([mine]) });
    // Asking for the whole host brings only what the user may see.
    expect(replica.feed.subscribe(connection, { hosts: ['host-a'] })).toEqual({
      status: 'ok',
      containers: [mine],
    });

    await publishChange(replica.bus, changed(theirs, { state: 'exited' }));
    // Theirs changed: the update names the host, and what it says is what the user may see.
    const update = await socket.waitFor('counts_update');
    expect(update.hosts['host-a']).toEqual({
      states: { running: 1 },
      projects: { shop: { running: 1 } },
    });
  });

  /** Waits until the counts, updated by every counts_update so far, are these. */
  async function waitForCounts(
    socket: ReturnType<MemoryReplica['connect']>[1],
    initial: Record<string, HostCounts>,
    expected: Record<string, HostCounts | undefined>,
  ): Promise<void> {
    const folded = (): Record<string, HostCounts> =>
      socket.all('counts_update').reduce(applyCountsUpdate, initial);
    await socket.waitFor('counts_update', () => isDeepStrictEqual(folded(), expected));
    expect(folded()).toEqual(expected);
  }
});
