import { Component } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { FakeSocket, provideFakeSocket } from '../../testing/fake-socket';
import { HOST_A, HOST_B, cid, container, host } from '../../testing/fixtures';
import { DEFAULT_WEB_CONFIG, WEB_CONFIG } from '../core/app-config';
import { DEFAULT_QUERY } from './fleet-query';
import { FleetPageComponent, SEARCH_URL_DELAY_MS } from './fleet-page.component';
import { FleetViewState } from './fleet-view.state';

@Component({ template: '' })
class ElsewhereComponent {}

describe('FleetPageComponent', () => {
  let socket: FakeSocket;

  beforeEach(() => {
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket), provideRouter([])] });
  });

  afterEach(() => TestBed.resetTestingModule());

  let fixture: ComponentFixture<FleetPageComponent>;

  async function render(): Promise<HTMLElement> {
    fixture = TestBed.createComponent(FleetPageComponent);
    socket.serverConnect();
    socket.serverSend('initial_state', {
      containers: [
        container({ name: 'web-1' }),
        container({ container_id: cid('b2'), name: 'db', state: 'exited' }),
        container({ container_id: cid('c3'), host_id: HOST_B, name: 'cache' }),
      ],
      hosts: [host({ host_id: HOST_A }), host({ host_id: HOST_B, online: false })],
      position: {},
    });
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('waits for the fleet, then shows counts by state and offline hosts', async () => {
    const empty = TestBed.createComponent(FleetPageComponent);
    await empty.whenStable();
    const el = empty.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid=fleet-loading]')).not.toBeNull();
    const loaded = await render();
    expect(loaded.querySelector('[data-testid=fleet-total]')?.textContent).toContain(
      '3 containers',
    );
    expect(loaded.querySelector('[data-testid=fleet-hosts-offline]')?.textContent).toContain(
      '1 offline',
    );
    const counts = [...loaded.querySelectorAll('[data-testid=fleet-state-count]')].map((e) =>
      e.textContent?.trim(),
    );
    expect(counts).toEqual(['2 running', '1 exited']);
  });

  it('lists containers under their hosts and greys those of an offline host', async () => {
    const el = await render();
    await new Promise((resolve) => setTimeout(resolve, 20)); // the virtual list measures first
    await fixture.whenStable();
    const rows = [...el.querySelectorAll<HTMLElement>('[data-testid=container-row]')];
    expect(rows.map((r) => [r.dataset['name'], r.dataset['offline']])).toEqual([
      ['db', 'false'],
      ['web-1', 'false'],
      ['cache', 'true'],
    ]);
    const cache = rows[2];
    expect(cache?.classList).toContain('fleet-row--offline');
    expect(cache?.querySelector('[data-testid=state-badge]')?.classList).toContain(
      'state-badge--stale',
    );
    expect(
      cache?.querySelector<HTMLButtonElement>('[data-testid=container-action-stop]')?.disabled,
    ).toBe(true);
    const hosts = [...el.querySelectorAll<HTMLElement>('[data-testid=fleet-host]')].map((h) => [
      h.dataset['host'],
      h.dataset['online'],
    ]);
    expect(hosts).toEqual([
      [HOST_A, 'true'],
      [HOST_B, 'false'],
    ]);
  });

  it('focuses the quick search on "/"', async () => {
    const el = await render();
    document.body.appendChild(el);
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true }));
    expect(document.activeElement?.getAttribute('data-testid')).toBe('fleet-search');
    el.remove();
  });

  it('narrows the counts shown when searching', async () => {
    const el = await render();
    const input = el.querySelector<HTMLInputElement>('[data-testid=fleet-search]');
    if (!input) throw new Error('no search box');
    input.value = 'state:exited';
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(el.querySelector('[data-testid=fleet-shown]')?.textContent).toContain('1 shown');
  });

  describe('the query in the URL', () => {
    beforeEach(() => {
      TestBed.resetTestingModule();
      TestBed.configureTestingModule({
        providers: [
          provideFakeSocket(socket),
          provideRouter([
            { path: '', component: FleetPageComponent },
            { path: 'elsewhere', component: ElsewhereComponent },
          ]),
        ],
      });
    });

    it('over the line: hosts as counts; opening one loads it and writes it to the URL; closing drops it', async () => {
      const harness = await RouterTestingHarness.create('/');
      const router = TestBed.inject(Router);
      socket.serverConnect();
      socket.serverSend('initial_state', {
        containers: [],
        hosts: [host({ host_id: HOST_A }), host({ host_id: HOST_B })],
        position: {},
        counts: {
          [HOST_A]: { states: { running: 2 }, projects: {} },
          [HOST_B]: { states: { running: 1, exited: 1 }, projects: {} },
        },
        partial: true,
      });
      await harness.fixture.whenStable();
      await new Promise((resolve) => setTimeout(resolve, 20)); // the virtual list measures first
      await harness.fixture.whenStable();
      const el = harness.routeNativeElement as HTMLElement;
      expect(el.querySelector('[data-testid=fleet-total]')?.textContent).toContain('4 containers');
      expect(el.querySelector('[data-testid=fleet-hosts-not-loaded]')?.textContent).toContain(
        '2 hosts are shown as counts',
      );
      const hostB = el.querySelector<HTMLElement>(`[data-testid=fleet-host][data-host=${HOST_B}]`);
      expect(hostB?.dataset['loaded']).toBe('false');
      expect(hostB?.querySelector('[data-testid=fleet-host-counts]')?.textContent).toContain(
        '1 exited',
      );

      hostB?.querySelector<HTMLButtonElement>('[data-testid=fleet-host-toggle]')?.click();
      await harness.fixture.whenStable();
      expect(router.url).toBe(`/?open=${HOST_B}`);
      expect(socket.sent('subscribe').at(-1)?.payload).toEqual({ hosts: [HOST_B] });
      socket.ackAll('subscribe', {
        status: 'ok',
        containers: [container({ container_id: cid('b1'), host_id: HOST_B, name: 'api' })],
      });
      await harness.fixture.whenStable();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await harness.fixture.whenStable();
      const names = (): (string | undefined)[] =>
        [...el.querySelectorAll<HTMLElement>('[data-testid=container-row]')].map(
          (r) => r.dataset['name'],
        );
      expect(names()).toEqual(['api']);

      // A search that matches nothing loaded does not say "no match": host-a may hold some.
      TestBed.inject(FleetViewState).patchQuery({ search: 'zzz' });
      await harness.fixture.whenStable();
      expect(el.querySelector('[data-testid=fleet-empty]')).toBeNull();
      expect(el.querySelector('[data-testid=fleet-unloaded-matches]')?.textContent).toContain(
        'Up to 2 more containers may match on 1 host not loaded',
      );
      TestBed.inject(FleetViewState).patchQuery({ search: '' });
      await harness.fixture.whenStable();

      el.querySelector<HTMLElement>(`[data-testid=fleet-host][data-host=${HOST_B}]`)
        ?.querySelector<HTMLButtonElement>('[data-testid=fleet-host-toggle]')
        ?.click();
      await harness.fixture.whenStable();
      expect(router.url).toBe('/');
      expect(socket.sent('subscribe').at(-1)?.payload).toEqual({ hosts: [] });
      expect(names()).toEqual([]);
    });

    it('over the line: a search lists what the gateway found on hosts not loaded and says how many', async () => {
      TestBed.overrideProvider(WEB_CONFIG, {
        useValue: { ...DEFAULT_WEB_CONFIG, fleetFindDelayMs: 1 },
      });
      const harness = await RouterTestingHarness.create('/');
      socket.serverConnect();
      socket.serverSend('initial_state', {
        containers: [],
        hosts: [host({ host_id: HOST_A }), host({ host_id: HOST_B })],
        position: {},
        counts: {
          [HOST_A]: { states: { running: 2 }, projects: {} },
          [HOST_B]: { states: { running: 1, exited: 1 }, projects: {} },
        },
        partial: true,
      });
      await harness.fixture.whenStable();
      const el = harness.routeNativeElement as HTMLElement;
      const settle = async (): Promise<void> => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        await harness.fixture.whenStable();
      };
      const cart = container({ container_id: cid('d1'), host_id: HOST_B, name: 'cart' });
      const answer = async (q: string, more: boolean): Promise<void> => {
        await settle();
        expect(socket.sent('find_containers').at(-1)?.payload).toMatchObject({ q });
        socket.ackAll('find_containers', { status: 'ok', containers: [cart], more });
        await settle();
        socket.ackAll('subscribe', { status: 'ok', containers: [cart] });
        await settle();
      };

      TestBed.inject(FleetViewState).patchQuery({ search: 'state:running cart' });
      await answer('cart', false);
      expect(socket.sent('subscribe').at(-1)?.payload).toEqual({
        hosts: [],
        containers: [cart.container_id],
      });
      const rows = (): (string | undefined)[] =>
        [...el.querySelectorAll<HTMLElement>('[data-testid=container-row]')].map(
          (r) => r.dataset['name'],
        );
      expect(rows()).toEqual(['cart']);
      expect(el.querySelector('[data-testid=fleet-found]')?.textContent).toMatch(
        /Found 1 container matching “cart” on 1 host not loaded\.$/,
      );
      // A complete answer: no other host may hold a match, and none is offered to open.
      expect(el.querySelector('[data-testid=fleet-unloaded-matches]')).toBeNull();
      expect(el.querySelector(`[data-testid=fleet-host][data-host=${HOST_A}]`)).toBeNull();

      // An answer with more: it says so, and the counts bound what else may match.
      TestBed.inject(FleetViewState).patchQuery({ search: 'car' });
      await answer('car', true);
      expect(el.querySelector('[data-testid=fleet-found]')?.textContent).toContain(
        'Found 1 container matching “car” on 1 host not loaded, and more: narrow the search',
      );
      expect(el.querySelector('[data-testid=fleet-unloaded-matches]')?.textContent).toContain(
        // host-a: 2 by its counts; host-b: 2, less the match held.
        'Up to 3 more containers may match on 2 hosts not loaded',
      );
    });

    it('takes the query from a link, ignoring what it does not understand', async () => {
      const harness = await RouterTestingHarness.create('/?project=shop&group=stack&state=bogus');
      await harness.fixture.whenStable();
      expect(TestBed.inject(FleetViewState).query()).toEqual({
        ...DEFAULT_QUERY,
        project: 'shop',
        group: 'stack',
      });
    });

    it('writes what is typed to the URL once typing pauses, replacing the history entry', async () => {
      const harness = await RouterTestingHarness.create('/?state=exited');
      const router = TestBed.inject(Router);
      const el = harness.routeNativeElement as HTMLElement;
      const input = el.querySelector<HTMLInputElement>('[data-testid=fleet-search]');
      if (!input) throw new Error('no search box');
      const navigations: boolean[] = [];
      const navigate = router.navigate.bind(router);
      jest.spyOn(router, 'navigate').mockImplementation((commands, extras) => {
        navigations.push(extras?.replaceUrl === true);
        return navigate(commands, extras);
      });
      for (const text of ['w', 'we', 'web']) {
        input.value = text;
        input.dispatchEvent(new Event('input'));
        await harness.fixture.whenStable();
      }
      // Filtered at once, not yet written.
      expect(TestBed.inject(FleetViewState).query().search).toBe('web');
      expect(router.url).toBe('/?state=exited');
      await new Promise((resolve) => setTimeout(resolve, SEARCH_URL_DELAY_MS + 50));
      await harness.fixture.whenStable();
      expect(router.url).toBe('/?q=web&state=exited');
      expect(navigations).toEqual([true]);
    });

    it('writes a filter change to the URL, and keeps the query when entered with a bare /', async () => {
      const harness = await RouterTestingHarness.create('/');
      const el = harness.routeNativeElement as HTMLElement;
      const select = el.querySelector<HTMLSelectElement>('[data-testid=fleet-state-filter]');
      if (!select) throw new Error('no state filter');
      select.value = 'exited';
      select.dispatchEvent(new Event('change'));
      await harness.fixture.whenStable();
      const router = TestBed.inject(Router);
      expect(router.url).toBe('/?state=exited');

      // To another page and back through a plain link to the fleet: the filter stays, in the URL too.
      await harness.navigateByUrl('/elsewhere');
      await harness.navigateByUrl('/');
      await harness.fixture.whenStable();
      expect(TestBed.inject(FleetViewState).query().state).toBe('exited');
      expect(router.url).toBe('/?state=exited');
    });
  });
});
