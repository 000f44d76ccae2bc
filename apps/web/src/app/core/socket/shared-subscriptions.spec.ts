import { Subject } from 'rxjs';
import { HOST_A, HOST_B, cid, container } from '../../../testing/fixtures';
import { SharedSubscriptions } from './shared-subscriptions';

type Item = { name: string; ref?: string };

describe('SharedSubscriptions', () => {
  function setup(connected = true) {
    const socket = { connected, connects$: new Subject<unknown>() };
    const opened: string[] = [];
    const closed: string[] = [];
    const gone: string[] = [];
    const subs = new SharedSubscriptions<Item>(socket, {
      open: (item) => opened.push(item.name),
      close: (item) => closed.push(item.name),
      target: (item) => ({ hostId: HOST_A, ref: item.ref ?? cid(item.name) }),
      gone: (item) => gone.push(item.name),
    });
    return { socket, subs, opened, closed, gone };
  }

  it('opens a key once however many acquire it, and closes it after the last release', () => {
    const { subs, opened, closed } = setup();
    const a = subs.acquire('k', () => ({ name: 'a' }));
    const b = subs.acquire('k', () => ({ name: 'b' }));
    expect(b).toBe(a);
    expect(opened).toEqual(['a']);
    expect(subs.release('k')).toBeNull();
    expect(closed).toEqual([]);
    expect(subs.release('k')).toBe(a);
    expect(closed).toEqual(['a']);
    expect(subs.keys()).toEqual([]);
  });

  it('sends nothing while disconnected; renews what is held and still exists, once', () => {
    const { socket, subs, opened, closed, gone } = setup(false);
    subs.acquire('x', () => ({ name: 'x' }));
    subs.acquire('y', () => ({ name: 'y' }));
    subs.acquire('z', () => ({ name: 'z' }));
    expect(opened).toEqual([]);
    socket.connected = true;
    const fleet = [
      container({ host_id: HOST_A, container_id: cid('x') }),
      container({ host_id: HOST_A, container_id: cid('y') }),
      container({ host_id: HOST_A, container_id: cid('z'), state: 'removed' }),
    ];
    subs.renew(fleet);
    expect(opened).toEqual(['x', 'y']);
    expect(gone).toEqual(['z']);
    // A second fleet on the same socket asks for nothing again.
    subs.renew(fleet);
    expect(opened).toEqual(['x', 'y']);
    socket.connected = false;
    subs.release('x');
    expect(closed).toEqual([]);
  });

  it('finds a container by name or id prefix as a link does, Docker’s leading "/" included', () => {
    const { subs, opened, gone } = setup(false);
    subs.acquire('slash', () => ({ name: 'slash', ref: '/web-1' }));
    subs.acquire('prefix', () => ({ name: 'prefix', ref: cid('x').slice(0, 12) }));
    subs.acquire('other-host', () => ({ name: 'other-host', ref: 'db' }));
    subs.renew([
      container({ host_id: HOST_A, container_id: cid('x'), name: 'web-1' }),
      container({ host_id: HOST_B, container_id: cid('y'), name: 'db' }),
    ]);
    // Never asked for and unknown to this fleet: the gateway is asked (it answers unknown).
    expect(opened).toEqual(['slash', 'prefix', 'other-host']);
    expect(gone).toEqual([]);
  });

  it('calls gone a container asked for on an earlier socket and absent from the new fleet', () => {
    const { socket, subs, opened, gone } = setup();
    subs.acquire('x', () => ({ name: 'x' }));
    expect(opened).toEqual(['x']);
    socket.connects$.next(undefined);
    const fleets = new Subject<{ containers: ReturnType<typeof container>[] }>();
    subs.renewOnReconnect(fleets, { onDestroy: () => () => undefined } as never);
    socket.connects$.next(undefined);
    fleets.next({ containers: [] });
    expect(opened).toEqual(['x']);
    expect(gone).toEqual(['x']);
  });

  it('resolves each held item once: present opens, removed is gone, absent opens only if never asked for', () => {
    const { socket, subs, opened, gone } = setup();
    // Asked for on an earlier socket, then the socket dropped.
    subs.acquire('absent-asked', () => ({ name: 'absent-asked' }));
    socket.connected = false;
    subs.acquire('live', () => ({ name: 'live', ref: 'web' }));
    subs.acquire('recreated', () => ({ name: 'recreated', ref: 'db' }));
    subs.acquire('removed', () => ({ name: 'removed', ref: 'old' }));
    subs.acquire('absent-new', () => ({ name: 'absent-new', ref: 'nowhere' }));
    expect(opened).toEqual(['absent-asked']);
    opened.length = 0;
    socket.connected = true;
    const fleets = new Subject<{ containers: ReturnType<typeof container>[] }>();
    subs.renewOnReconnect(fleets, { onDestroy: () => () => undefined } as never);
    socket.connects$.next(undefined);
    fleets.next({
      containers: [
        container({ host_id: HOST_A, container_id: cid('w'), name: 'web' }),
        container({ host_id: HOST_A, container_id: cid('d1'), name: 'db', state: 'removed' }),
        container({ host_id: HOST_A, container_id: cid('d2'), name: 'db' }),
        container({ host_id: HOST_A, container_id: cid('o'), name: 'old', state: 'removed' }),
      ],
    });
    expect(opened.sort()).toEqual(['absent-new', 'live', 'recreated']);
    expect(gone.sort()).toEqual(['absent-asked', 'removed']);
  });

  it('ignores a release of an item that no longer holds the key', () => {
    const { subs, closed } = setup();
    const old = subs.acquire('k', () => ({ name: 'old' }));
    subs.release('k', old);
    const fresh = subs.acquire('k', () => ({ name: 'fresh' }));
    expect(subs.release('k', old)).toBeNull();
    expect(subs.holds('k', fresh)).toBe(true);
    expect(closed).toEqual(['old']);
  });

  it('bumps changes when a key starts or ends, not when it is shared', () => {
    const { subs } = setup();
    const start = subs.changes();
    subs.acquire('k', () => ({ name: 'a' }));
    subs.acquire('k', () => ({ name: 'a' }));
    expect(subs.changes()).toBe(start + 1);
    subs.release('k');
    subs.release('k');
    expect(subs.changes()).toBe(start + 2);
  });
});
