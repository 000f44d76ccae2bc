import type { Container, FleetEvent } from '@flotilla/contracts';
import { sampleContainer } from '@flotilla/contracts/testing';
import type { StreamEntry } from '@flotilla/bus';
import { deriveHostPoints } from './timeline-derivation';
import { containerPasses, hostPointsPass } from './timeline-filter';

const host = 'h1';
const T0 = Date.parse('2026-01-01T10:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const running = sampleContainer({
  host_id: host,
  name: 'web',
  state: 'running',
  health: 'none',
  started_at: iso(T0),
  finished_at: null,
  exit_code: null,
  labels: { 'com.docker.compose.project': 'shop', tier: 'front' },
});

let seq = 0;
function at(ms: number, container: Container): StreamEntry<FleetEvent> {
  return { id: `${ms}-${seq++}`, value: { v: 1, type: 'container', container } };
}
const kinds = (events: StreamEntry<FleetEvent>[], since = T0 - 1_000): string[] =>
  deriveHostPoints(host, events, since).map((p) => p.entry.kind);

describe('deriveHostPoints', () => {
  it('turns consecutive states into start, die, oom, health, pause, unpause and destroy', () => {
    const died = { ...running, state: 'exited' as const, exit_code: 3, finished_at: iso(T0 + 2) };
    const points = deriveHostPoints(
      host,
      [
        at(T0, running),
        at(T0 + 1, { ...running, health: 'unhealthy' }),
        at(T0 + 2, died),
        at(T0 + 3, { ...running, started_at: iso(T0 + 3) }),
        at(T0 + 4, { ...running, state: 'paused', started_at: iso(T0 + 3) }),
        at(T0 + 5, { ...running, started_at: iso(T0 + 3) }),
        at(T0 + 6, { ...died, exit_code: 137, oom_killed: true }),
        at(T0 + 7, { ...died, state: 'removed' }),
        at(T0 + 8, { ...died, state: 'removed' }),
      ],
      T0 - 1_000,
    );
    expect(points.map((p) => p.entry.kind)).toEqual([
      'start',
      'health',
      'die',
      'start',
      'pause',
      'unpause',
      'oom',
      'destroy',
    ]);
    expect(points[1].entry).toMatchObject({ health: 'unhealthy', at: iso(T0 + 1) });
    expect(points[2].entry).toMatchObject({
      exit_code: 3,
      container_name: 'web',
      project: 'shop',
      host_id: host,
      container_id: running.container_id,
    });
    expect(points[6].entry.exit_code).toBe(137);
    expect(new Set(points.map((p) => p.entry.id)).size).toBe(points.length);
  });

  it('sees a quick restart reported as one running state with a new start time', () => {
    const again = { ...running, started_at: iso(T0 + 50), exit_code: 1, finished_at: iso(T0 + 49) };
    const points = deriveHostPoints(host, [at(T0, running), at(T0 + 60, again)], T0);
    expect(points.map((p) => p.entry.kind)).toEqual(['start', 'die', 'start']);
    expect(points[1].entry.exit_code).toBe(1);
  });

  it('adds no start for a container first seen long after it started (a rename, a resync)', () => {
    const old = { ...running, started_at: iso(T0 - 3_600_000) };
    expect(kinds([at(T0, old), at(T0 + 5, { ...old, name: 'renamed' })], T0 - 60_000)).toEqual([]);
    expect(kinds([at(T0, running)], T0 - 60_000)).toEqual(['start']);
  });

  it('reports host events as online and offline points', () => {
    const info = {
      host_id: host,
      labels: {},
      agent_version: 't',
      started_at: iso(T0),
      engine: { reachable: true, version: null, address: 'x', error: null },
    };
    const points = deriveHostPoints(
      host,
      [{ id: `${T0}-0`, value: { v: 1, type: 'host', host: info, online: false } }],
      T0,
    );
    expect(points).toEqual([
      { entry: { id: `${host}/${T0}-0`, at: iso(T0), host_id: host, kind: 'host_offline' } },
    ]);
  });
});

describe('timeline filters', () => {
  it('match the compose project and labels as key=value or key', () => {
    expect(containerPasses({}, running)).toBe(true);
    expect(containerPasses({ project: 'shop' }, running)).toBe(true);
    expect(containerPasses({ project: 'other' }, running)).toBe(false);
    expect(containerPasses({ label: 'tier=front' }, running)).toBe(true);
    expect(containerPasses({ label: 'tier=back' }, running)).toBe(false);
    expect(containerPasses({ label: 'tier' }, running)).toBe(true);
    expect(containerPasses({ label: 'toString' }, running)).toBe(false);
    expect(containerPasses({ label: 'a=b=c' }, { labels: { a: 'b=c' } })).toBe(true);
  });

  it('leave host points out once a container filter is set', () => {
    expect(hostPointsPass({ host: 'h1' })).toBe(true);
    expect(hostPointsPass({ project: 'shop' })).toBe(false);
    expect(hostPointsPass({ label: 'k' })).toBe(false);
  });
});
