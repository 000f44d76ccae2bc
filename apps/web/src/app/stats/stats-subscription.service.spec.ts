import { TestBed } from '@angular/core/testing';
import type { StatsSample } from '@flotilla/contracts/core';
import { sampleStats } from '@flotilla/contracts/testing';
import { DEFAULT_WEB_CONFIG, WEB_CONFIG } from '../core/app-config';
import { FakeSocket, provideFakeSocket } from '../../testing/fake-socket';
import { HOST_A, cid, container } from '../../testing/fixtures';
import { StatsSubscriptionService } from './stats-subscription.service';

function sample(id: string, cpu: number): StatsSample {
  return sampleStats({ container_id: id, host_id: HOST_A, cpu_percent: cpu });
}

describe('StatsSubscriptionService', () => {
  let socket: FakeSocket;
  let stats: StatsSubscriptionService;

  beforeEach(() => {
    jest.useFakeTimers();
    socket = new FakeSocket();
    TestBed.configureTestingModule({
      providers: [
        provideFakeSocket(socket),
        {
          provide: WEB_CONFIG,
          useValue: { ...DEFAULT_WEB_CONFIG, maxFleetStats: 3, statsHistory: 5 },
        },
      ],
    });
    stats = TestBed.inject(StatsSubscriptionService);
    socket.serverConnect();
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
  });

  const subscribed = (): string[] =>
    socket.sent('subscribe_stats').map((e) => (e.payload as { container_id: string }).container_id);

  it('subscribes once per container and unsubscribes after the last release', () => {
    stats.acquire(HOST_A, cid('a1'));
    stats.acquire(HOST_A, cid('a1'));
    expect(subscribed()).toEqual([cid('a1')]);
    stats.release(HOST_A, cid('a1'));
    expect(socket.sent('unsubscribe_stats')).toHaveLength(0);
    stats.release(HOST_A, cid('a1'));
    expect(socket.sent('unsubscribe_stats')).toHaveLength(1);
  });

  it('caps the fleet view’s subscriptions and follows its scrolling', () => {
    const ids = ['a1', 'b2', 'c3', 'd4', 'e5'].map(cid);
    stats.setFleetTargets(ids.map((containerId) => ({ hostId: HOST_A, containerId })));
    expect(stats.watchedKeys()).toHaveLength(3);
    stats.setFleetTargets(ids.slice(2).map((containerId) => ({ hostId: HOST_A, containerId })));
    expect(stats.watchedKeys().sort()).toEqual(
      ids
        .slice(2, 5)
        .map((id) => `${HOST_A}/${id}`)
        .sort(),
    );
    expect(socket.sent('unsubscribe_stats')).toHaveLength(2);
  });

  it('keeps a bounded history per container, in batches', () => {
    const samples = stats.acquire(HOST_A, cid('a1'));
    for (let i = 0; i < 8; i++) socket.serverSend('stats_update', sample(cid('a1'), i));
    expect(samples()).toHaveLength(0);
    jest.advanceTimersByTime(100);
    expect(samples().map((s) => s.cpu_percent)).toEqual([3, 4, 5, 6, 7]);
  });

  it('subscribes again after a reconnect, once the fresh fleet says the container still exists', () => {
    stats.acquire(HOST_A, cid('a1'));
    stats.acquire(HOST_A, cid('a2'));
    socket.serverDisconnect();
    socket.serverConnect();
    expect(subscribed()).toEqual([cid('a1'), cid('a2')]);
    // a2 was removed while the page was away: not asked for, marked stopped instead.
    socket.serverFleet([container({ host_id: HOST_A, container_id: cid('a1') })]);
    expect(subscribed()).toEqual([cid('a1'), cid('a2'), cid('a1')]);
    expect(stats.stoppedReason(HOST_A, cid('a2'))).toBe('the container no longer exists');
  });

  it('asks once for what is acquired between a reconnect and the fresh fleet', () => {
    socket.serverDisconnect();
    socket.serverConnect();
    stats.acquire(HOST_A, cid('a3'));
    socket.serverFleet([container({ host_id: HOST_A, container_id: cid('a3') })]);
    expect(subscribed()).toEqual([cid('a3')]);
  });
});
