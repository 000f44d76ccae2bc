import { SocketCursors } from './socket-cursors';
import { compareStreamIds } from '@flotilla/bus';

describe('compareStreamIds', () => {
  it('orders numerically by time then sequence', () => {
    expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareStreamIds('1700000000000-5', '1700000000000-5')).toBe(0);
    expect(compareStreamIds('18446744073709551615-0', '18446744073709551614-9')).toBeGreaterThan(0);
  });
});

describe('SocketCursors', () => {
  it('sends nothing live while catching up, then each id once', () => {
    const cursors = new SocketCursors();
    cursors.start('h', '5-0');
    expect(cursors.acceptLive('h', '6-0')).toBe(false);
    expect(cursors.acceptCatchUp('h', '4-0')).toBe(false);
    expect(cursors.acceptCatchUp('h', '6-0')).toBe(true);
    expect(cursors.goLiveIfCaughtUp('h', '7-0')).toBe(false);
    expect(cursors.acceptCatchUp('h', '7-0')).toBe(true);
    expect(cursors.goLiveIfCaughtUp('h', '7-0')).toBe(true);
    expect(cursors.acceptLive('h', '7-0')).toBe(false);
    expect(cursors.acceptLive('h', '8-0')).toBe(true);
    expect(cursors.acceptLive('h', '8-0')).toBe(false);
    expect(cursors.position('h')).toBe('8-0');
  });

  it('goes live at once when the snapshot is newer than the follower', () => {
    const cursors = new SocketCursors();
    cursors.start('h', '9-0');
    expect(cursors.goLiveIfCaughtUp('h', '7-0')).toBe(true);
    expect(cursors.acceptLive('h', '8-0')).toBe(false);
    expect(cursors.acceptLive('h', '10-0')).toBe(true);
  });

  it('knows nothing of hosts it was not started on', () => {
    const cursors = new SocketCursors();
    expect(cursors.has('x')).toBe(false);
    expect(cursors.acceptLive('x', '1-0')).toBe(false);
    expect(cursors.acceptCatchUp('x', '1-0')).toBe(false);
    expect(cursors.goLiveIfCaughtUp('x', '1-0')).toBe(false);
  });
});
