import { randomBytes } from 'node:crypto';
import type { Bus } from '@flotilla/bus';
import type { Container, HostInfo, StatsSample } from '@flotilla/contracts';
import { sampleContainer, sampleStats } from '@flotilla/contracts/testing';

let revision = 1;

export function hostInfo(hostId: string): HostInfo {
  return {
    host_id: hostId,
    labels: { env: 'test' },
    agent_version: 'test',
    started_at: new Date().toISOString(),
    engine: {
      reachable: true,
      version: '24.0',
      address: 'unix:///var/run/docker.sock',
      error: null,
    },
  };
}

export function containerId(): string {
  return randomBytes(32).toString('hex');
}

export function uniqueHostId(prefix = 'host'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A container of a host with a fresh id and a revision newer than any made before. */
export function makeContainer(hostId: string, overrides: Partial<Container> = {}): Container {
  const id = overrides.container_id ?? containerId();
  return sampleContainer({
    container_id: id,
    host_id: hostId,
    name: `c-${id.slice(0, 6)}`,
    revision: revision++,
    ...overrides,
  });
}

/**
 * A host as an agent starts it: its snapshot, then announced and beating. The snapshot comes
 * first because no event follows it here (an agent appends one per container): a replica that
 * found the host before it would hold the host without those containers for good.
 */
export async function announceHost(
  bus: Bus,
  hostId: string,
  containers: Container[] = [],
  online = true,
): Promise<void> {
  await bus.snapshots.replace(hostId, containers);
  await bus.hosts.announce(hostInfo(hostId));
  if (online) await bus.hosts.beat(hostId);
}

/** What an agent does on a Docker event: update the snapshot, append the change. */
export async function publishChange(bus: Bus, container: Container): Promise<string> {
  await bus.snapshots.upsert(container);
  return bus.events.append(container.host_id, { v: 1, type: 'container', container });
}

export function changed(container: Container, overrides: Partial<Container>): Container {
  return { ...container, ...overrides, revision: revision++ };
}

/** Lines `<prefix> from` … `<prefix> from+count-1`, as an agent stores them (with a timestamp). */
export function numberedLines(from: number, count: number, prefix = 'line', width = 0): string[] {
  const pad = width > 0 ? ` ${'x'.repeat(width)}` : '';
  return Array.from(
    { length: count },
    (_, i) => `2024-01-01T00:00:00.000000000Z ${prefix} ${from + i}${pad}`,
  );
}

/**
 * Appends lines `from`..`from+count-1` in batches of `perBatch`, as the agent would, so entry ids
 * are `<last line>-0`. Returns the next line number.
 */
export async function writeLines(
  bus: Bus,
  hostId: string,
  containerId: string,
  from: number,
  count: number,
  options: { perBatch?: number; prefix?: string; width?: number } = {},
): Promise<number> {
  const perBatch = options.perBatch ?? 10;
  let next = from;
  const end = from + count;
  while (next < end) {
    const n = Math.min(perBatch, end - next);
    const lines = numberedLines(next, n, options.prefix, options.width);
    await bus.logs.append(hostId, containerId, next, {
      lines,
      stderr: [],
      lastTimestamp: '2024-01-01T00:00:00.000000000Z',
    });
    next += n;
  }
  return next;
}

/** The text a client shows for line `n` (as `numberedLines` wrote it). */
export function lineText(n: number, prefix = 'line'): string {
  return `2024-01-01T00:00:00.000000000Z ${prefix} ${n}`;
}

export function expectedRange(from: number, to: number, prefix = 'line'): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => lineText(from + i, prefix));
}

/** A stats sample as an agent would append it. */
export function statsSample(hostId: string, containerId: string, cpu: number): StatsSample {
  const read = new Date().toISOString();
  return sampleStats({ container_id: containerId, host_id: hostId, read, cpu_percent: cpu });
}
