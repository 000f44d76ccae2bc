import { Subject } from 'rxjs';
import { SharedSubscriptions } from './shared-subscriptions';

describe('SharedSubscriptions', () => {
  function setup(connected = true) {
    const socket = { connected, connects$: new Subject<unknown>() };
    const opened: string[] = [];
    const closed: string[] = [];
    const subs = new SharedSubscriptions<{ name: string }>(socket, {
      open: (item) => opened.push(item.name),
      close: (item) => closed.push(item.name),
    });
    return { socket, subs, opened, closed };
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

  it('sends nothing while disconnected and reopens every held item on reopenAll', () => {
    const { socket, subs, opened, closed } = setup(false);
    subs.acquire('x', () => ({ name: 'x' }));
    subs.acquire('y', () => ({ name: 'y' }));
    expect(opened).toEqual([]);
    socket.connected = true;
    subs.reopenAll();
    expect(opened).toEqual(['x', 'y']);
    socket.connected = false;
    subs.release('x');
    expect(closed).toEqual([]);
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
