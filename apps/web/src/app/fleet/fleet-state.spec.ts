import { HOST_A, HOST_B, cid, container, host } from '../../testing/fixtures';
import { DEFAULT_QUERY, buildFleetView } from './fleet-query';
import { FleetState, PROJECT_LABEL, containerKey } from './fleet-state';

describe('FleetState', () => {
  function withFleet(): FleetState {
    const state = new FleetState();
    state.applyInitialState({
      containers: [
        container({ container_id: cid('a1'), name: 'web-1', revision: 5 }),
        container({ container_id: cid('b2'), name: 'db', revision: 3, state: 'exited' }),
        container({ container_id: cid('c3'), host_id: HOST_B, name: 'cache', revision: 7 }),
      ],
      hosts: [host({ host_id: HOST_A }), host({ host_id: HOST_B })],
      position: { [HOST_A]: '10-0', [HOST_B]: '4-0' },
    });
    return state;
  }

  it('takes the initial state', () => {
    const state = withFleet();
    expect(state.containers.size).toBe(3);
    expect(state.hosts.size).toBe(2);
    expect(state.position).toEqual({ [HOST_A]: '10-0', [HOST_B]: '4-0' });
  });

  it('applies a change only when its revision is newer', () => {
    const state = withFleet();
    const key = containerKey(HOST_A, cid('a1'));
    expect(
      state.applyContainer(container({ container_id: cid('a1'), state: 'exited', revision: 4 })),
    ).toBe(false);
    expect(
      state.applyContainer(container({ container_id: cid('a1'), state: 'exited', revision: 5 })),
    ).toBe(false);
    expect(state.containers.get(key)?.state).toBe('running');
    expect(
      state.applyContainer(container({ container_id: cid('a1'), state: 'exited', revision: 6 })),
    ).toBe(true);
    expect(state.containers.get(key)?.state).toBe('exited');
  });

  it('keeps the newest state whatever order changes arrive in', () => {
    const state = new FleetState();
    const changes = [3, 1, 4, 2].map((revision) =>
      container({
        revision,
        status: `rev ${revision}`,
        state: revision % 2 ? 'running' : 'exited',
      }),
    );
    for (const c of changes) state.applyContainer(c);
    expect(state.containers.get(containerKey(HOST_A, cid('a1')))?.status).toBe('rev 4');
  });

  it('removes a removed container and does not let an older state bring it back', () => {
    const state = withFleet();
    const key = containerKey(HOST_A, cid('a1'));
    state.applyContainer(container({ container_id: cid('a1'), state: 'removed', revision: 9 }));
    expect(state.containers.has(key)).toBe(false);
    expect(state.applyContainer(container({ container_id: cid('a1'), revision: 8 }))).toBe(false);
    expect(state.containers.has(key)).toBe(false);
  });

  it('drops containers an online host no longer lists after a new snapshot, keeps an offline host’s', () => {
    const state = withFleet();
    state.applyInitialState({
      containers: [container({ container_id: cid('a1'), revision: 5 })],
      hosts: [host({ host_id: HOST_A }), host({ host_id: HOST_B, online: false })],
      position: {},
    });
    expect(state.containers.has(containerKey(HOST_A, cid('b2')))).toBe(false);
    expect(state.containers.has(containerKey(HOST_B, cid('c3')))).toBe(true);
  });

  it('keeps containers of a host that goes offline, greyed in the view', () => {
    const state = withFleet();
    state.applyHost(host({ host_id: HOST_B, online: false }));
    expect(state.isHostOnline(HOST_B)).toBe(false);
    const view = buildFleetView(
      [...state.containers.values()],
      [...state.hosts.values()],
      DEFAULT_QUERY,
      new Set(),
    );
    const rows = view.rows.filter((r) => r.kind === 'container');
    expect(rows.map((r) => [r.container.name, r.offline])).toEqual([
      ['db', false],
      ['web-1', false],
      ['cache', true],
    ]);
    const hostRow = view.rows.find((r) => r.kind === 'host' && r.host.host_id === HOST_B);
    expect(hostRow?.kind === 'host' && hostRow.host.online).toBe(false);
    state.applyHost(host({ host_id: HOST_B, online: true }));
    const again = buildFleetView(
      [...state.containers.values()],
      [...state.hosts.values()],
      DEFAULT_QUERY,
      new Set(),
    );
    expect(again.rows.some((r) => r.kind === 'container' && r.offline)).toBe(false);
  });

  it('learns of a host from its containers', () => {
    const state = new FleetState();
    state.applyContainer(container({ host_id: 'host-new' }));
    expect(state.hosts.get('host-new')?.online).toBe(true);
  });

  it('finds a container by unambiguous id prefix', () => {
    const state = withFleet();
    expect(state.find(HOST_A, cid('a1').slice(0, 12))?.name).toBe('web-1');
    expect(state.find(HOST_A, cid('a1'))?.name).toBe('web-1');
    expect(state.find(HOST_B, cid('a1').slice(0, 12))).toBeUndefined();
  });

  it('looks a full id up in the map, without scanning the fleet', () => {
    const state = withFleet();
    const scan = jest.spyOn(state.containers, 'values');
    const byId = state.lookup(HOST_A, cid('a1'));
    expect(byId.kind === 'found' && byId.container.name).toBe('web-1');
    expect(scan).not.toHaveBeenCalled();
    expect(state.lookup(HOST_A, 'web-1').kind).toBe('found');
    expect(scan).toHaveBeenCalled();
  });

  it('lists the projects and label keys in use as containers come, change and go', () => {
    const state = new FleetState();
    const shopWeb = container({
      container_id: cid('a1'),
      labels: { [PROJECT_LABEL]: 'shop', env: 'prod' },
      revision: 1,
    });
    state.applyInitialState({
      containers: [
        shopWeb,
        container({ container_id: cid('b2'), labels: { [PROJECT_LABEL]: 'shop' }, revision: 1 }),
        container({
          container_id: cid('c3'),
          host_id: HOST_B,
          labels: { [PROJECT_LABEL]: 'blog', team: 'edge' },
          revision: 1,
        }),
        container({ container_id: cid('d4'), labels: {}, revision: 1 }),
      ],
      hosts: [host({ host_id: HOST_A }), host({ host_id: HOST_B })],
      position: {},
    });
    expect(state.projects()).toEqual(['blog', 'shop']);
    expect(state.labelKeys()).toEqual([PROJECT_LABEL, 'env', 'team']);

    // One of two shop containers moves to another project: shop stays, env goes with its labels.
    state.applyContainer({ ...shopWeb, labels: { [PROJECT_LABEL]: 'wiki' }, revision: 2 });
    expect(state.projects()).toEqual(['blog', 'shop', 'wiki']);
    expect(state.labelKeys()).toEqual([PROJECT_LABEL, 'team']);

    // Removed, and gone from a host's next snapshot.
    state.applyContainer(container({ container_id: cid('b2'), state: 'removed', revision: 2 }));
    state.applyInitialState({
      containers: [],
      hosts: [host({ host_id: HOST_B })],
      position: {},
    });
    expect(state.projects()).toEqual(['wiki']);
    expect(state.labelKeys()).toEqual([PROJECT_LABEL]);
  });

  it('offers at most 100 label keys', () => {
    const state = new FleetState();
    const labels = Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [`k${String(i).padStart(3, '0')}`, 'v']),
    );
    state.applyContainer(container({ labels }));
    expect(state.labelKeys()).toHaveLength(100);
    expect(state.labelKeys()[99]).toBe('k099');
  });
});
