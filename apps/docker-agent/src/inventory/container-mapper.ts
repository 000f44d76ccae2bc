import {
  clampContainer,
  type Container,
  type ContainerState,
  type HealthState,
  type Port,
} from '@flotilla/contracts';
import type { DockerInspect } from '../docker/docker-inspect';
import { isZeroTime, statusText } from './status-text';

/** A container as the agent publishes it, before it is given a revision. */
export type ContainerView = Omit<Container, 'revision'>;

const HEALTH: readonly string[] = ['starting', 'healthy', 'unhealthy'];

function stateOf(s: DockerInspect['State']): ContainerState {
  if (s.Running) return s.Restarting ? 'restarting' : s.Paused ? 'paused' : 'running';
  switch (s.Status) {
    case 'created':
      return 'created';
    case 'dead':
      return 'dead';
    case 'restarting':
      return 'restarting';
    default:
      // 'exited', and 'removing' (a removal under way leaves an exited container until destroy).
      return s.Dead ? 'dead' : 'exited';
  }
}

function portsOf(inspect: DockerInspect): Port[] {
  const ports: Port[] = [];
  for (const [key, bindings] of Object.entries(inspect.NetworkSettings?.Ports ?? {})) {
    const [num, proto] = key.split('/');
    const privatePort = Number(num);
    const type = proto === 'udp' || proto === 'sctp' ? proto : 'tcp';
    if (!Number.isInteger(privatePort)) continue;
    if (!bindings || bindings.length === 0) {
      ports.push({ private_port: privatePort, public_port: null, type, ip: null });
      continue;
    }
    for (const b of bindings) {
      const pub = Number(b.HostPort);
      ports.push({
        private_port: privatePort,
        public_port: Number.isInteger(pub) && b.HostPort !== '' ? pub : null,
        type,
        ip: b.HostIp || null,
      });
    }
  }
  return ports.sort(
    (a, b) => a.private_port - b.private_port || (a.public_port ?? 0) - (b.public_port ?? 0),
  );
}

function healthOf(s: DockerInspect['State']): HealthState {
  const h = s.Health?.Status;
  return h && HEALTH.includes(h) ? (h as HealthState) : 'none';
}

/**
 * Maps Docker's inspect answer to the wire `Container` (without its revision), clamped to the
 * contract's limits: a container with a huge label or thousands of ports is shown shortened and
 * marked `truncated`, never dropped by its readers.
 */
export function toContainerView(
  hostId: string,
  inspect: DockerInspect,
  now: number = Date.now(),
): ContainerView {
  const s = inspect.State;
  const state = stateOf(s);
  const everStarted = !isZeroTime(s.StartedAt);
  return clampContainer({
    container_id: inspect.Id,
    host_id: hostId,
    name: inspect.Name.replace(/^\//, ''),
    image: inspect.Config.Image,
    state,
    status: statusText(s, now),
    created: inspect.Created,
    started_at: everStarted ? s.StartedAt : null,
    finished_at: isZeroTime(s.FinishedAt) ? null : s.FinishedAt,
    exit_code: state === 'exited' || state === 'dead' || state === 'restarting' ? s.ExitCode : null,
    // Docker keeps the flag after a restart; it tells only of the last exit.
    ...(s.OOMKilled === true && state !== 'running' && state !== 'paused'
      ? { oom_killed: true }
      : {}),
    labels: { ...(inspect.Config.Labels ?? {}) },
    ports: portsOf(inspect),
    health: healthOf(s),
    tty: inspect.Config.Tty === true,
  });
}

/**
 * Did anything a viewer cares about change? The status text is left out: it only ages ("Up 3
 * seconds" → "Up 5 minutes"), and the state and times it is made of are compared.
 */
export function sameState(a: ContainerView, b: ContainerView): boolean {
  return (
    a.container_id === b.container_id &&
    a.host_id === b.host_id &&
    a.name === b.name &&
    a.image === b.image &&
    a.state === b.state &&
    a.created === b.created &&
    a.started_at === b.started_at &&
    a.finished_at === b.finished_at &&
    a.exit_code === b.exit_code &&
    a.oom_killed === b.oom_killed &&
    a.health === b.health &&
    a.tty === b.tty &&
    a.truncated === b.truncated &&
    JSON.stringify(a.ports) === JSON.stringify(b.ports) &&
    sameLabels(a.labels, b.labels)
  );
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

/** The container as it was last seen, marked removed (destroyed in Docker or gone while away). */
export function asRemoved<T extends ContainerView>(last: T): T {
  return { ...last, state: 'removed', status: 'Removed', health: 'none' };
}
