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

  describe('the line (up_to): everything at N containers, the view above', () => {
    /** Three containers on two hosts; a socket with a view of host-a and `up_to`. */
    async function connectAt(
      line: number,
      upTo: number,
    ): Promise<{
      connection: ReturnType<MemoryReplica['connect']>[0];
      socket: ReturnType<MemoryReplica['connect']>[1];
      all: ReturnType<typeof makeContainer>[];
    }> {
      await replica.close();
      replica = new MemoryReplica({ countsIntervalMs: 20, fleetViewLine: line });
      const a = [makeContainer('host-a')];
      const b = [makeContainer('host-b'), makeContainer('host-b')];
      await announceHost(replica.bus, 'host-a', a);
      await announceHost(replica.bus, 'host-b', b);
      await replica.start();
      const [connection, socket] = replica.connect('v', ANONYMOUS_ADMIN, {
        counts: true,
        hosts: ['host-a'],
        up_to: upTo,
      });
      await replica.feed.connect(connection);
      return { connection, socket, all: [...a, ...b] };
    }

    const ids = (list: readonly { container_id: string }[]): string[] =>
      list.map((c) => c.container_id).sort();

    it('at the line (3 of 3): every container, not partial, and every later change', async () => {
      const { socket, all } = await connectAt(3, 2_000);
      const initial = await socket.waitFor('initial_state');
      expect(initial.partial).toBeUndefined();
      expect(ids(initial.containers)).toEqual(ids(all));
      expect(initial.counts?.['host-b']).toEqual(countContainers(all.slice(1)));
      // A host outside the handshake's view still sends its changes: the socket holds it all.
      const stopped = changed(all[2], { state: 'exited' });
      await publishChange(replica.bus, stopped);
      await socket.waitFor('container_state_change', (c) => c.revision === stopped.revision);
      expect(socket.all('container_state_change')).toEqual([stopped]);
    });

    it('one over the line (4 > 3): the view only, partial, and counts for the rest', async () => {
      const { socket, all } = await connectAt(3, 2_000);
      const extra = makeContainer('host-b');
      await publishChange(replica.bus, extra);
      // The replica holds the fourth container before the socket connects.
      const [late, lateSocket] = replica.connect('late', ANONYMOUS_ADMIN, {
        counts: true,
        hosts: ['host-a'],
        up_to: 2_000,
      });
      await socket.waitFor('container_state_change', (c) => c.container_id === extra.container_id);
      await replica.feed.connect(late);
      const initial = await lateSocket.waitFor('initial_state');
      expect(initial.partial).toBe(true);
      expect(ids(initial.containers)).toEqual(ids([all[0]]));
      expect(initial.counts?.['host-b']).toEqual(countContainers([all[1], all[2], extra]));
      const stopped = changed(all[2], { state: 'exited' });
      await publishChange(replica.bus, stopped);
      await waitForCounts(lateSocket, initial.counts ?? {}, {
        'host-a': initial.counts?.['host-a'],
        'host-b': countContainers([all[1], stopped, extra]),
      });
      expect(lateSocket.all('container_state_change')).toEqual([]);
    });

    it('at the line: no counts_update; narrowed by subscribe, every host counted once, then live', async () => {
      const { connection, socket, all } = await connectAt(3, 2_000);
      const initial = await socket.waitFor('initial_state');
      const stopped = changed(all[2], { state: 'exited' });
      await publishChange(replica.bus, stopped);
      await socket.waitFor('container_state_change', (c) => c.revision === stopped.revision);
      // A socket over the line sees the counts tick pass: nothing is left to send.
      const [over, overSocket] = replica.connect('over', ANONYMOUS_ADMIN, { counts: true });
      await replica.feed.connect(over);
      await overSocket.waitFor('initial_state');
      await publishChange(replica.bus, changed(all[1], { state: 'paused' }));
      await overSocket.waitFor('counts_update', (u) => u.hosts['host-b']?.states.paused === 1);
      expect(socket.all('counts_update')).toEqual([]);
      expect(replica.feed.subscribe(connection, { hosts: ['host-a'] })).toEqual({
        status: 'ok',
        containers: [],
      });
      // The first counts_update it ever gets holds every host as it is now.
      const first = await socket.waitFor('counts_update');
      expect(first.hosts).toEqual({
        'host-a': countContainers([all[0]]),
        'host-b': countContainers([{ ...all[1], state: 'paused' }, stopped]),
      });
      const restarted = changed(stopped, { state: 'running' });
      await publishChange(replica.bus, restarted);
      await waitForCounts(socket, initial.counts ?? {}, {
        'host-a': countContainers([all[0]]),
        'host-b': countContainers([{ ...all[1], state: 'paused' }, restarted]),
      });
    });

    it("the client's up_to below the replica's line draws it: 3 containers over up_to 2", async () => {
      const { socket, all } = await connectAt(2_000, 2);
      const initial = await socket.waitFor('initial_state');
      expect(initial.partial).toBe(true);
      expect(ids(initial.containers)).toEqual(ids([all[0]]));
    });

    it('counts only what a scoped user may see against the line', async () => {
      await replica.close();
      replica = new MemoryReplica({ countsIntervalMs: 20, fleetViewLine: 1 });
      const mine = makeContainer('host-a', { name: 'shop-web' });
      await announceHost(replica.bus, 'host-a', [mine, makeContainer('host-a', { name: 'db' })]);
      await replica.start();
      const scoped: Principal = {
        user: 'ann',
        roles: ['viewer'],
        scopes: ['host:*'],
        containers: { names: ['shop-*'], labels: {} },
      };
      const [connection, socket] = replica.connect('v', scoped, { counts: true, up_to: 5 });
      await replica.feed.connect(connection);
      const initial = await socket.waitFor('initial_state');
      expect(initial.partial).toBeUndefined();
      expect(initial.containers).toEqual([mine]);
    });
  });

  it('a view naming a host its user may not see gets nothing of that host', async () => {
    const a = [makeContainer('host-a'), makeContainer('host-a')];
    await announceHost(replica.bus, 'host-a', a);
    await announceHost(replica.bus, 'host-b', [makeContainer('host-b')]);
    await replica.start();
    const onlyA: Principal = { user: 'bo', roles: ['viewer'], scopes: ['host:host-a'] };
    const [connection, socket] = replica.connect('v', onlyA, {
      counts: true,
      hosts: ['host-b', 'host-a'],
    });
    await replica.feed.connect(connection);
    const initial = await socket.waitFor('initial_state');
    expect(initial.partial).toBe(true);
    expect(initial.containers.map((c) => c.container_id).sort()).toEqual(
      a.map((c) => c.container_id).sort(),
    );
    expect(initial.hosts.map((h) => h.host_id)).toEqual(['host-a']);
    expect(Object.keys(initial.counts ?? {})).toEqual(['host-a']);
    expect(Object.keys(initial.position)).toEqual(['host-a']);
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
