import type { Container, HostStatus } from '@flotilla/contracts/core';
import { HOST_A, HOST_B, cid, container, host } from '../../testing/fixtures';
import { type FleetPicture, describeDiff, diffFleet, isEmptyDiff } from './fleet-diff';
import { containerKey } from './fleet-state';

function picture(containers: Container[], hosts: HostStatus[] = [host()]): FleetPicture {
  return {
    containers: new Map(containers.map((c) => [containerKey(c.host_id, c.container_id), c])),
    hosts: new Map(hosts.map((h) => [h.host_id, h])),
  };
}

const running = (name: string, patch: Partial<Container> = {}): Container =>
  container({
    container_id: cid(name.slice(0, 2).padEnd(2, '0')),
    name: `/${name}`,
    state: 'running',
    started_at: '2024-05-01T09:00:00Z',
    finished_at: null,
    exit_code: null,
    ...patch,
  });

describe('diffFleet / describeDiff', () => {
  it('finds nothing when nothing changed', () => {
    const before = picture([running('api')]);
    const diff = diffFleet(before, picture([running('api', { revision: 9 })]));
    expect(isEmptyDiff(diff)).toBe(true);
    expect(describeDiff(diff)).toBe('');
  });

  it('tells stops, crashes, starts, restarts, pauses, new and removed containers apart', () => {
    const before = picture([
      running('api'),
      running('web'),
      running('job'),
      running('db', { state: 'exited', exit_code: 0, finished_at: '2024-05-01T08:00:00Z' }),
      running('cache'),
      running('queue'),
      running('old'),
    ]);
    const after = picture([
      running('api', { state: 'exited', exit_code: 0 }),
      running('web', { state: 'exited', exit_code: 0 }),
      running('job', { state: 'exited', exit_code: 137 }),
      running('db'),
      running('cache', { started_at: '2024-05-01T09:30:00Z' }),
      running('queue', { state: 'paused' }),
      running('fresh'),
    ]);
    expect(diffFleet(before, after).containers).toEqual({
      stopped: ['api', 'web'],
      crashed: ['job'],
      started: ['db'],
      restarted: ['cache'],
      paused: ['queue'],
      created: ['fresh'],
      removed: ['old'],
    });
    expect(describeDiff(diffFleet(before, after))).toBe(
      '1 container crashed (job), 2 stopped (api, web), 1 started (db), 1 restarted (cache), ' +
        '1 paused (queue), 1 created (fresh), 1 removed (old)',
    );
  });

  it('counts a container that crashed and came back up as restarted', () => {
    const before = picture([running('loop')]);
    const after = picture([running('loop', { started_at: '2024-05-01T09:05:00Z' })]);
    expect(describeDiff(diffFleet(before, after))).toBe('1 container restarted (loop)');
  });

  it('names hosts that went offline, came back, or joined', () => {
    const before = picture([], [host(), host({ host_id: HOST_B, online: false })]);
    const after = picture(
      [],
      [host({ online: false }), host({ host_id: HOST_B }), host({ host_id: 'host-c' })],
    );
    expect(describeDiff(diffFleet(before, after))).toBe(
      `host ${HOST_A} went offline, host ${HOST_B} came back online, host host-c joined`,
    );
  });

  it('lists names only while there are few, and the noun once', () => {
    const names = ['a1', 'b2', 'c3', 'd4'];
    const before = picture(names.map((n) => running(n)));
    const after = picture([
      ...names.map((n) => running(n, { state: 'exited', exit_code: 0 })),
      running('e5'),
    ]);
    expect(describeDiff(diffFleet(before, after))).toBe('4 containers stopped, 1 created (e5)');
  });
});
