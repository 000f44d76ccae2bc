import { HOST_A, HOST_B, cid, container, host } from '../../testing/fixtures';
import {
  DEFAULT_QUERY,
  type FleetQuery,
  NO_PROJECT,
  PROJECT_LABEL,
  buildFleetView,
  containerLabel,
  findText,
  parseSearch,
} from './fleet-query';

const fleet = [
  container({
    container_id: cid('a1'),
    name: 'web-1',
    image: 'nginx:1.27',
    labels: { env: 'prod', team: 'edge' },
    created: '2024-01-03',
  }),
  container({
    container_id: cid('b2'),
    name: 'web-2',
    image: 'nginx:1.27',
    state: 'exited',
    labels: { env: 'staging' },
    created: '2024-01-01',
  }),
  container({
    container_id: cid('c3'),
    name: '/db',
    image: 'postgres:16',
    labels: { env: 'prod' },
    created: '2024-01-02',
  }),
  container({
    container_id: cid('d4'),
    host_id: HOST_B,
    name: 'cache',
    image: 'redis:7',
    state: 'restarting',
  }),
];
const hosts = [host({ host_id: HOST_A }), host({ host_id: HOST_B })];

function names(query: Partial<FleetQuery>, collapsed: Set<string> = new Set()): string[] {
  return buildFleetView(fleet, hosts, { ...DEFAULT_QUERY, ...query }, collapsed).rows.map((r) =>
    r.kind === 'container' ? r.container.name : r.kind === 'host' ? `#${r.host.host_id}` : r.key,
  );
}

describe('parseSearch', () => {
  it('splits words, fields, quotes and negations', () => {
    expect(parseSearch('web state:running -label:env=prod name:"my app" nginx:1.27')).toEqual([
      { field: 'any', value: 'web', negate: false },
      { field: 'state', value: 'running', negate: false },
      { field: 'label', value: 'env=prod', negate: true },
      { field: 'name', value: 'my app', negate: false },
      { field: 'any', value: 'nginx:1.27', negate: false },
    ]);
  });
});

describe('buildFleetView', () => {
  it('groups by host, sorted by name within a host, with a header per host', () => {
    expect(names({})).toEqual(['#host-a', '/db', 'web-1', 'web-2', '#host-b', 'cache']);
  });

  it('counts states per host and in total', () => {
    const view = buildFleetView(fleet, hosts, DEFAULT_QUERY, new Set());
    expect(view.totals).toEqual({ running: 2, exited: 1, restarting: 1 });
    const a = view.rows[0];
    expect(a?.kind === 'host' && a.counts).toEqual({ running: 2, exited: 1 });
    expect(view.total).toBe(4);
  });

  it('filters by quick search over name, image and id', () => {
    expect(names({ search: 'nginx' })).toEqual(['#host-a', 'web-1', 'web-2']);
    expect(names({ search: cid('d4').slice(0, 12) })).toEqual(['#host-b', 'cache']);
    expect(names({ search: 'WEB-2' })).toEqual(['#host-a', 'web-2']);
  });

  it('filters by field: state, host, image, label, negation', () => {
    expect(names({ search: 'state:exited' })).toEqual(['#host-a', 'web-2']);
    expect(names({ search: 'host:host-b' })).toEqual(['#host-b', 'cache']);
    expect(names({ search: 'image:postgres' })).toEqual(['#host-a', '/db']);
    expect(names({ search: 'label:env=prod' })).toEqual(['#host-a', '/db', 'web-1']);
    expect(names({ search: 'label:team' })).toEqual(['#host-a', 'web-1']);
    expect(names({ search: 'nginx -state:exited' })).toEqual(['#host-a', 'web-1']);
  });

  it('filters by the state and host selects', () => {
    expect(names({ state: 'restarting' })).toEqual(['#host-b', 'cache']);
    expect(names({ host: HOST_B })).toEqual(['#host-b', 'cache']);
  });

  it('sorts by image, state, creation and label, both ways', () => {
    expect(names({ sort: 'created' })).toEqual([
      '#host-a',
      'web-2',
      '/db',
      'web-1',
      '#host-b',
      'cache',
    ]);
    expect(names({ sort: 'created', direction: 'desc' })).toEqual([
      '#host-a',
      'web-1',
      '/db',
      'web-2',
      '#host-b',
      'cache',
    ]);
    expect(names({ sort: 'state' })).toEqual([
      '#host-a',
      '/db',
      'web-1',
      'web-2',
      '#host-b',
      'cache',
    ]);
    expect(names({ sort: 'image', direction: 'desc' })).toEqual([
      '#host-a',
      '/db',
      'web-1',
      'web-2',
      '#host-b',
      'cache',
    ]);
    expect(names({ sort: 'label:env' })).toEqual([
      '#host-a',
      '/db',
      'web-1',
      'web-2',
      '#host-b',
      'cache',
    ]);
    expect(names({ sort: 'host', direction: 'desc' })[0]).toBe('#host-b');
  });

  it('hides the containers of a collapsed host but keeps its header', () => {
    expect(names({}, new Set([HOST_A]))).toEqual(['#host-a', '#host-b', 'cache']);
  });

  it('shows a host with no containers when nothing is filtered', () => {
    const view = buildFleetView([], [host({ host_id: 'empty' })], DEFAULT_QUERY, new Set());
    expect(view.rows).toHaveLength(1);
  });

  it('handles 10,000 containers quickly', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      container({
        container_id: i.toString(16).padStart(64, '0'),
        name: `svc-${i}`,
        host_id: `host-${i % 20}`,
      }),
    );
    const started = performance.now();
    const view = buildFleetView(many, [], { ...DEFAULT_QUERY, search: 'svc-1' }, new Set());
    expect(performance.now() - started).toBeLessThan(500);
    expect(view.shown).toBe(1_111);
  });
});

describe('buildFleetView by stack', () => {
  const stack = (project: string | null, patch: Parameters<typeof container>[0]) =>
    container({ ...patch, labels: project === null ? {} : { [PROJECT_LABEL]: project } });
  const fleetOfStacks = [
    stack('shop', { container_id: cid('a1'), name: 'shop-web-1' }),
    stack('shop', { container_id: cid('b2'), name: 'shop-db-1', state: 'exited' }),
    stack('shop', { container_id: cid('c3'), name: 'shop-web-2', host_id: HOST_B }),
    stack('blog', { container_id: cid('d4'), name: 'blog-app-1', host_id: HOST_B }),
    stack(null, { container_id: cid('e5'), name: 'adhoc' }),
  ];
  const offlineB = [host({ host_id: HOST_A }), host({ host_id: HOST_B, online: false })];
  const rows = (query: Partial<FleetQuery>, collapsed: Set<string> = new Set()) =>
    buildFleetView(
      fleetOfStacks,
      offlineB,
      { ...DEFAULT_QUERY, group: 'stack', ...query },
      collapsed,
    ).rows;
  const labels = (query: Partial<FleetQuery>, collapsed?: Set<string>) =>
    rows(query, collapsed).map((r) =>
      r.kind === 'stack'
        ? `#${r.project}`
        : r.kind === 'host'
          ? `@${r.host.host_id}`
          : r.container.name,
    );

  it('groups across hosts by compose project, named stacks first, no-stack last', () => {
    expect(labels({})).toEqual([
      '#blog',
      'blog-app-1',
      '#shop',
      'shop-db-1',
      'shop-web-1',
      'shop-web-2',
      '#',
      'adhoc',
    ]);
  });

  it('counts states per stack and marks containers of an offline host', () => {
    const all = rows({});
    const shop = all.find((r) => r.kind === 'stack' && r.project === 'shop');
    expect(shop?.kind === 'stack' && [shop.counts, shop.total]).toEqual([
      { running: 2, exited: 1 },
      3,
    ]);
    const web2 = all.find((r) => r.kind === 'container' && r.container.name === 'shop-web-2');
    expect(web2?.kind === 'container' && web2.offline).toBe(true);
  });

  it('collapses a stack under its own key, apart from a host of the same name', () => {
    expect(labels({}, new Set(['stack:shop', 'shop']))).toEqual([
      '#blog',
      'blog-app-1',
      '#shop',
      '#',
      'adhoc',
    ]);
  });

  it('filters by project (by host grouping too), by no project, and by project: search', () => {
    expect(labels({ project: 'shop', state: 'running' })).toEqual([
      '#shop',
      'shop-web-1',
      'shop-web-2',
    ]);
    expect(labels({ project: NO_PROJECT })).toEqual(['#', 'adhoc']);
    expect(labels({ search: 'project:blo' })).toEqual(['#blog', 'blog-app-1']);
    expect(labels({ group: 'host', project: 'blog' })).toEqual(['@host-b', 'blog-app-1']);
  });

  it('sorts by project in the host grouping, containers of no project last', () => {
    expect(labels({ group: 'host', sort: 'project', host: HOST_A })).toEqual([
      '@host-a',
      'shop-db-1',
      'shop-web-1',
      'adhoc',
    ]);
  });
});

describe('containerLabel', () => {
  it("is the name without Docker's leading '/', or the short id when there is no name", () => {
    expect(containerLabel({ name: '/web-1', container_id: cid('a1') })).toBe('web-1');
    expect(containerLabel({ name: '', container_id: cid('a1') })).toBe(cid('a1').slice(0, 12));
  });
});

describe('buildFleetView over the line (a partial fleet)', () => {
  const shop = { [PROJECT_LABEL]: 'shop' };
  const loadedA = [
    container({ container_id: cid('a1'), name: 'web-1', labels: shop }),
    container({ container_id: cid('a2'), name: 'db', state: 'exited' }),
  ];
  const hosts = [host(), host({ host_id: HOST_B })];
  // host-b is not loaded: 3 running (2 in shop), 1 exited, known by its counts only.
  const partial = {
    counts: {
      [HOST_A]: { states: { running: 1, exited: 1 }, projects: { shop: { running: 1 } } },
      [HOST_B]: { states: { running: 3, exited: 1 }, projects: { shop: { running: 2 } } },
    },
    loaded: new Set([HOST_A]),
  };
  const build = (query: Partial<FleetQuery> = {}): ReturnType<typeof buildFleetView> =>
    buildFleetView(loadedA, hosts, { ...DEFAULT_QUERY, ...query }, new Set(), partial);

  it('shows a host not loaded collapsed with its counts, and counts it in the totals', () => {
    const view = build();
    const b = view.rows.find((r) => r.kind === 'host' && r.host.host_id === HOST_B);
    expect(b).toMatchObject({ unloaded: true, collapsed: true, total: 4 });
    expect(b?.kind === 'host' && b.counts).toEqual({ running: 3, exited: 1 });
    expect(view.total).toBe(6);
    expect(view.totals).toEqual({ running: 4, exited: 2 });
    expect(view.rows.filter((r) => r.kind === 'container')).toHaveLength(2);
  });

  it('never says "no match" while unloaded hosts may hold matches; says how many at most', () => {
    const view = build({ search: 'nothing-loaded-matches-this' });
    expect(view.shown).toBe(0);
    expect(view.unloadedHosts).toEqual([HOST_B]);
    expect(view.unloadedMayMatch).toBe(4);
    expect(view.rows.map((r) => r.key)).toEqual([`host:${HOST_B}`]);
  });

  it('uses the counts to rule hosts out: exact for state and project filters', () => {
    expect(build({ state: 'exited' }).unloadedMayMatch).toBe(1);
    expect(build({ project: 'shop' }).unloadedMayMatch).toBe(2);
    expect(build({ project: NO_PROJECT, state: 'running' }).unloadedMayMatch).toBe(1);
    const none = build({ state: 'paused' });
    expect(none.unloadedHosts).toEqual([]);
    expect(none.rows).toEqual([]);
    expect(build({ host: HOST_A }).unloadedHosts).toEqual([]);
  });

  describe("with containers held of a host not loaded (an open stack, a search's matches)", () => {
    const onB = [
      container({ container_id: cid('b1'), host_id: HOST_B, name: 'cart', labels: shop }),
      container({ container_id: cid('b2'), host_id: HOST_B, name: 'pay', labels: shop }),
    ];
    const buildHeld = (
      query: Partial<FleetQuery>,
      exact: boolean,
    ): ReturnType<typeof buildFleetView> =>
      buildFleetView([...loadedA, ...onB], hosts, { ...DEFAULT_QUERY, ...query }, new Set(), {
        ...partial,
        exact,
      });

    it('lists them under their host, counted once in the totals (the counts hold them)', () => {
      const view = buildHeld({}, false);
      expect(view.total).toBe(6);
      expect(view.totals).toEqual({ running: 4, exited: 2 });
      const keys = view.rows.map((r) => r.key);
      expect(keys.slice(keys.indexOf(`host:${HOST_B}`))).toEqual([
        `host:${HOST_B}`,
        `${HOST_B}/${cid('b1')}`,
        `${HOST_B}/${cid('b2')}`,
      ]);
    });

    it('the stack open: its rows on every host, and nothing more may match', () => {
      const view = buildHeld({ project: 'shop' }, true);
      expect(view.unloadedHosts).toEqual([]);
      expect(view.unloadedMayMatch).toBe(0);
      expect(view.shown).toBe(3);
      expect(view.rows.filter((r) => r.kind === 'container').map((r) => r.key)).toEqual([
        `${HOST_A}/${cid('a1')}`,
        `${HOST_B}/${cid('b1')}`,
        `${HOST_B}/${cid('b2')}`,
      ]);
    });

    it('a complete search answer rules the rest out; an incomplete one leaves an upper bound', () => {
      const exact = buildHeld({ search: 'cart' }, true);
      expect(exact.rows.map((r) => r.key)).toEqual([`host:${HOST_B}`, `${HOST_B}/${cid('b1')}`]);
      expect(exact.unloadedMayMatch).toBe(0);
      // Without the answer (or with `more`) the counts bound what else may match, held ones aside.
      const bound = buildHeld({ search: 'cart' }, false);
      expect(bound.unloadedMayMatch).toBe(3);
      expect(bound.unloadedHosts).toEqual([HOST_B]);
      // A host not loaded with no match held and none possible is not listed.
      expect(buildHeld({ search: 'nothing' }, true).rows).toEqual([]);
    });
  });
});

describe('findText: what a search asks the gateway for', () => {
  it('is the longest word not negated that names no other field', () => {
    expect(findText('web')).toBe('web');
    expect(findText('state:running cart-api -old')).toBe('cart-api');
    expect(findText('name:Shop image:nginx')).toBe('nginx');
    expect(findText('project:payments')).toBe('payments');
  });

  it('is null without one, or when it is longer than the gateway takes', () => {
    expect(findText('')).toBeNull();
    expect(findText('state:running host:h1 label:env=prod')).toBeNull();
    expect(findText('-web')).toBeNull();
    expect(findText('x'.repeat(101))).toBeNull();
    expect(findText('x'.repeat(100))).toBe('x'.repeat(100));
  });
});
