import type { Container } from './schemas/container';

export const CONTAINER_STATES = [
  'created',
  'running',
  'paused',
  'restarting',
  'exited',
  'dead',
  'removed',
] as const;
export type ContainerState = (typeof CONTAINER_STATES)[number];

export const HEALTH_STATES = ['none', 'starting', 'healthy', 'unhealthy'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** How long a container's descriptive fields may be; longer ones are cut (see clampContainer). */
export const CONTAINER_LIMITS = {
  name: 256,
  image: 512,
  status: 256,
  time: 64,
  labelKey: 256,
  labelValue: 4096,
  ports: 1024,
  portIp: 64,
} as const;

const L = CONTAINER_LIMITS;

/** The fields `clampContainer` may cut; everything else passes through unchanged. */
export type ClampableFields = Pick<
  Container,
  'name' | 'image' | 'status' | 'created' | 'started_at' | 'finished_at' | 'labels' | 'ports'
> & { truncated?: true };

/**
 * Cuts a container's descriptive fields to CONTAINER_LIMITS and marks it `truncated` when
 * anything was cut, so one oversized label or port list shortens the container instead of making
 * it fail the schema (and vanish from the fleet). Identity, state and revision are never touched:
 * a container whose id, host or state is wrong is still rejected.
 */
export function clampContainer<C extends ClampableFields>(container: C): C {
  let cut = false;
  const text = (value: string, max: number): string => {
    if (value.length <= max) return value;
    cut = true;
    return cutText(value, max);
  };
  const maybe = (value: string | null, max: number): string | null =>
    value === null ? null : text(value, max);
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(container.labels)) {
    // A shortened name would be another label (and could match a label scope it should not).
    if (key.length > L.labelKey) cut = true;
    else labels[key] = text(value, L.labelValue);
  }
  if (container.ports.length > L.ports) cut = true;
  const ports = container.ports
    .slice(0, L.ports)
    .map((p) =>
      p.ip === null || p.ip.length <= L.portIp ? p : { ...p, ip: text(p.ip, L.portIp) },
    );
  const clamped = {
    ...container,
    name: text(container.name, L.name),
    image: text(container.image, L.image),
    status: text(container.status, L.status),
    created: text(container.created, L.time),
    started_at: maybe(container.started_at, L.time),
    finished_at: maybe(container.finished_at, L.time),
    labels,
    ports,
  };
  return cut ? { ...clamped, truncated: true } : clamped;
}

/** `value` cut to `max` UTF-16 units, ending in "…", without splitting a surrogate pair. */
function cutText(value: string, max: number): string {
  let end = max - 1;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${value.slice(0, end)}…`;
}

/** Is `next` newer than `current`? Clients and gateways keep only newer states. */
export function isNewer(
  next: Pick<Container, 'revision'>,
  current?: Pick<Container, 'revision'>,
): boolean {
  return current === undefined || next.revision > current.revision;
}
