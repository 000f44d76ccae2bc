import {
  announceHost,
  changed,
  hostInfo,
  makeContainer,
  publishChange,
} from '../../test/support/fleet-fixtures';
import { MemoryReplica } from '../../test/support/memory-replica';

describe('HostDirectory and FleetFeed over the in-memory bus', () => {
  let replica: MemoryReplica;

  beforeEach(() => {
    replica = new MemoryReplica();
  });

  afterEach(() => replica.close());

  it('a socket gets the fleet, then every change once, in order', async () => {
    const container = makeContainer('host-a');
    await announceHost(replica.bus, 'host-a', [container]);
    await replica.start();
    const [connection, socket] = replica.connect('a');
    await replica.feed.connect(connection);

    expect(socket.received.map((m) => m.event).slice(0, 2)).toEqual([
      'connection_established',
      'initial_state',
    ]);
    const initial = await socket.waitFor('initial_state');
    expect(initial.containers).toEqual([container]);
    expect(initial.hosts.map((h) => h.host_id)).toEqual(['host-a']);

    const stopped = changed(container, { state: 'exited' });
    const restarted = changed(stopped, { state: 'running' });
    await publishChange(replica.bus, stopped);
    await publishChange(replica.bus, restarted);
    await socket.waitFor('container_state_change', (c) => c.revision === restarted.revision);
    expect(socket.all('container_state_change')).toEqual([stopped, restarted]);
  });

  it('a host found after the socket connected is presented to it, then fed live', async () => {
    await replica.start();
    const [connection, socket] = replica.connect('a');
    await replica.feed.connect(connection);
    expect((await socket.waitFor('initial_state')).hosts).toEqual([]);

    const container = makeContainer('host-b');
    await announceHost(replica.bus, 'host-b', [container]);
    // The announcement reaches HostDiscovery, which has the directory read the host list.
    expect(await socket.waitFor('host_state_change')).toMatchObject({ host_id: 'host-b' });
    expect(replica.hosts.knownHostIds()).toEqual(['host-b']);
    expect(await socket.waitFor('container_state_change')).toEqual(container);

    const exited = changed(container, { state: 'exited' });
    await publishChange(replica.bus, exited);
    await socket.waitFor('container_state_change', (c) => c.revision === exited.revision);
    expect(socket.all('container_state_change')).toEqual([container, exited]);
  });

  it('tells the directory’s listeners when a container is removed, and sockets when a host goes offline', async () => {
    const container = makeContainer('host-a');
    await announceHost(replica.bus, 'host-a', [container]);
    await replica.start();
    const removed: [string, string | ReadonlySet<string>][] = [];
    replica.hosts.onContainerRemoved((hostId, which) => removed.push([hostId, which]));
    const [connection, socket] = replica.connect('a');
    await replica.feed.connect(connection);

    await publishChange(replica.bus, changed(container, { state: 'removed' }));
    await socket.waitFor('container_state_change', (c) => c.state === 'removed');
    expect(removed).toEqual([['host-a', container.container_id]]);

    await replica.bus.hosts.markOffline(hostInfo('host-a'));
    expect(await socket.waitFor('host_state_change', (h) => !h.online)).toMatchObject({
      host_id: 'host-a',
      online: false,
    });
    expect(replica.hosts.status('host-a')?.online).toBe(false);
  });
});
