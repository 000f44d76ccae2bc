import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { sampleStats } from '@flotilla/contracts/testing';
import { FakeSocket, provideFakeSocket } from '../../testing/fake-socket';
import { HOST_A, cid, container, host } from '../../testing/fixtures';
import { StatsSubscriptionService } from '../stats/stats-subscription.service';
import { FleetRowComponent } from './fleet-row.component';
import { FleetStore } from './fleet.store';

describe('FleetRowComponent', () => {
  let socket: FakeSocket;

  beforeEach(() => {
    jest.useFakeTimers();
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket), provideRouter([])] });
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
  });

  const fleet = (): void =>
    socket.serverSend('initial_state', {
      containers: [container({ name: 'web-1' })],
      hosts: [host()],
      position: {},
    });

  it('marks its sparklines stale from the drop until the fresh fleet, not until the reconnect', () => {
    TestBed.inject(FleetStore);
    const stats = TestBed.inject(StatsSubscriptionService);
    socket.serverConnect();
    fleet();
    stats.acquire(HOST_A, cid('a1'));
    socket.serverSend(
      'stats_update',
      sampleStats({ container_id: cid('a1'), host_id: HOST_A, cpu_percent: 5 }),
    );
    jest.advanceTimersByTime(100);

    const fixture = TestBed.createComponent(FleetRowComponent);
    fixture.componentRef.setInput('row', {
      kind: 'container',
      key: `${HOST_A}/${cid('a1')}`,
      container: container({ name: 'web-1' }),
      offline: false,
    });
    const el = fixture.nativeElement as HTMLElement;
    const stale = (): (string | undefined)[] =>
      [...el.querySelectorAll<HTMLElement>('flo-sparkline')].map((s) => s.dataset['stale']);
    fixture.detectChanges();
    expect(stale()).toEqual([undefined, undefined]);

    jest.setSystemTime(new Date(2024, 4, 1, 10, 15, 30));
    socket.serverDisconnect();
    fixture.detectChanges();
    expect(stale()).toEqual(['true', 'true']);
    expect(el.querySelector('flo-sparkline')?.getAttribute('title')).toContain(
      'as of 10:15:30, not live',
    );

    // Connected again, but what is shown is still the fleet of before the drop.
    socket.serverConnect();
    fixture.detectChanges();
    expect(stale()).toEqual(['true', 'true']);

    fleet();
    fixture.detectChanges();
    expect(stale()).toEqual([undefined, undefined]);
  });
});
