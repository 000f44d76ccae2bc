import { containerSchema } from '@flotilla/contracts';
import type { DockerInspect } from '../docker/docker-inspect';
import { asRemoved, sameState, toContainerView } from './container-mapper';

const NOW = Date.parse('2026-11-25T19:28:26.500Z');
const ID = '27b43beaee2ece63b164c93f4028e7cf919127dd36424d7869232aef84b6a7c0';

/** Recorded from `docker inspect` (dockerd 20.10), trimmed to the fields the agent reads. */
function recorded(): DockerInspect {
  return {
    Id: ID,
    Name: '/fx1',
    Created: '2026-11-25T19:28:23.292749743Z',
    State: {
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      ExitCode: 0,
      StartedAt: '2026-11-25T19:28:23.410603802Z',
      FinishedAt: '0001-01-01T00:00:00Z',
      Health: { Status: 'healthy' },
    },
    Config: {
      Image: 'flotilla-test-busybox:latest',
      Tty: false,
      Labels: { 'flotilla.test': 'fx' },
    },
    NetworkSettings: { Ports: {} },
  };
}

describe('toContainerView', () => {
  it('maps a running container with a health check', () => {
    expect(toContainerView('host-a', recorded(), NOW)).toEqual({
      container_id: ID,
      host_id: 'host-a',
      name: 'fx1',
      image: 'flotilla-test-busybox:latest',
      state: 'running',
      status: 'Up 3 seconds (healthy)',
      created: '2026-11-25T19:28:23.292749743Z',
      started_at: '2026-11-25T19:28:23.410603802Z',
      finished_at: null,
      exit_code: null,
      labels: { 'flotilla.test': 'fx' },
      ports: [],
      health: 'healthy',
      tty: false,
    });
  });

  it('maps an exited container with its exit code and times', () => {
    const i = recorded();
    i.State = {
      ...i.State,
      Status: 'exited',
      Running: false,
      ExitCode: 3,
      FinishedAt: '2026-11-25T19:28:24.5Z',
      Health: { Status: 'unhealthy' },
    };
    const view = toContainerView('host-a', i, NOW);
    expect(view).toMatchObject({
      state: 'exited',
      exit_code: 3,
      finished_at: '2026-11-25T19:28:24.5Z',
      status: 'Exited (3) 2 seconds ago',
    });
  });

  it('marks an exit Docker caused for lack of memory, and only while the container is down', () => {
    const i = recorded();
    i.State = { ...i.State, Status: 'exited', Running: false, ExitCode: 137, OOMKilled: true };
    expect(toContainerView('h', i, NOW)).toMatchObject({ exit_code: 137, oom_killed: true });
    i.State = { ...recorded().State, OOMKilled: true };
    expect(toContainerView('h', i, NOW)).not.toHaveProperty('oom_killed');
    i.State = { ...recorded().State, Status: 'exited', Running: false, OOMKilled: false };
    expect(toContainerView('h', i, NOW)).not.toHaveProperty('oom_killed');
  });

  it('maps created, paused, restarting and dead', () => {
    const i = recorded();
    i.State = {
      ...i.State,
      Status: 'created',
      Running: false,
      StartedAt: '0001-01-01T00:00:00Z',
      Health: null,
    };
    expect(toContainerView('h', i, NOW)).toMatchObject({
      state: 'created',
      started_at: null,
      status: 'Created',
      health: 'none',
    });
    i.State = { ...recorded().State, Status: 'paused', Paused: true };
    expect(toContainerView('h', i, NOW).state).toBe('paused');
    i.State = { ...recorded().State, Status: 'restarting', Restarting: true, ExitCode: 1 };
    expect(toContainerView('h', i, NOW)).toMatchObject({ state: 'restarting', exit_code: 1 });
    i.State = { ...recorded().State, Status: 'dead', Running: false, Dead: true };
    expect(toContainerView('h', i, NOW).state).toBe('dead');
  });

  it('maps published and exposed ports, TTY and missing labels', () => {
    const i = recorded();
    i.Config = { Image: 'x', Tty: true, Labels: null };
    i.NetworkSettings = {
      Ports: {
        '8080/tcp': [
          { HostIp: '0.0.0.0', HostPort: '18080' },
          { HostIp: '::', HostPort: '18080' },
        ],
        '53/udp': null,
      },
    };
    const view = toContainerView('h', i, NOW);
    expect(view.tty).toBe(true);
    expect(view.labels).toEqual({});
    expect(view.ports).toEqual([
      { private_port: 53, public_port: null, type: 'udp', ip: null },
      { private_port: 8080, public_port: 18080, type: 'tcp', ip: '0.0.0.0' },
      { private_port: 8080, public_port: 18080, type: 'tcp', ip: '::' },
    ]);
  });

  it('clamps a label over 4 KiB and over 1,024 ports to the contract, marked truncated', () => {
    const i = recorded();
    i.Config = {
      ...i.Config,
      Labels: { big: 'x'.repeat(5_000), ['k'.repeat(300)]: 'v', team: 'shop' },
    };
    i.NetworkSettings = {
      Ports: Object.fromEntries(
        Array.from({ length: 1_100 }, (_, n) => [`${1_000 + n}/tcp`, null] as const),
      ),
    };
    const view = toContainerView('host-a', i, NOW);
    expect(view.truncated).toBe(true);
    expect(view.labels.team).toBe('shop');
    expect(view.labels.big).toHaveLength(4_096);
    expect(view.labels.big.endsWith('…')).toBe(true);
    expect(Object.keys(view.labels).sort()).toEqual(['big', 'team']);
    expect(view.ports).toHaveLength(1_024);
    expect(containerSchema.safeParse({ ...view, revision: 1 }).success).toBe(true);
    // A container within the limits is not marked.
    expect(toContainerView('host-a', recorded(), NOW)).not.toHaveProperty('truncated');
  });
});

describe('sameState', () => {
  it('ignores the ageing status text but not a state change', () => {
    const a = toContainerView('h', recorded(), NOW);
    const later = toContainerView('h', recorded(), NOW + 600_000);
    expect(later.status).not.toBe(a.status);
    expect(sameState(a, later)).toBe(true);
    expect(sameState(a, { ...a, name: 'renamed' })).toBe(false);
    expect(sameState(a, asRemoved(a))).toBe(false);
    expect(sameState(a, { ...a, labels: { other: '1' } })).toBe(false);
    expect(sameState(a, { ...a, truncated: true })).toBe(false);
  });
});
