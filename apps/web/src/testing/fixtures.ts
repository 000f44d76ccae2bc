import type { Container, HostStatus, LogUpdatePayload } from '@flotilla/contracts/core';
import { sampleContainer } from '@flotilla/contracts/testing';

export const HOST_A = 'host-a';
export const HOST_B = 'host-b';

/** A full container id made of one repeated hex digit pattern. */
export function cid(seed: string): string {
  return seed.repeat(64).slice(0, 64);
}

export function container(patch: Partial<Container> = {}): Container {
  return sampleContainer({ container_id: cid('a1'), host_id: HOST_A, ...patch });
}

export function host(patch: Partial<HostStatus> = {}): HostStatus {
  return {
    host_id: HOST_A,
    labels: {},
    agent_version: '1.0.0',
    started_at: '2024-05-01T09:00:00Z',
    engine: { reachable: true, version: '27.0', address: '/var/run/docker.sock', error: null },
    online: true,
    last_seen: '2024-05-01T10:00:00Z',
    ...patch,
  };
}

/**
 * A `log_update` with lines numbered from `firstLine`, in entries of `perEntry` lines, each line
 * `<timestamp> line <n>`; `stderr` lists line numbers written to stderr.
 */
export function logUpdate(options: {
  containerId?: string;
  hostId?: string;
  firstLine: number;
  count: number;
  perEntry?: number;
  stderr?: number[];
  text?: (n: number) => string;
  timestamp?: (n: number) => string;
}): LogUpdatePayload {
  const perEntry = options.perEntry ?? options.count;
  const text = options.text ?? ((n: number) => `line ${n}`);
  const ts =
    options.timestamp ??
    ((n: number) =>
      `2024-05-01T10:00:${String(n % 60).padStart(2, '0')}.${String(n).padStart(9, '0')}Z`);
  let log = '';
  const entries: { id: string; n: number }[] = [];
  const stderr: number[] = [];
  for (let i = 0; i < options.count; i++) {
    const n = options.firstLine + i;
    log += `${ts(n)} ${text(n)}\n`;
    if (options.stderr?.includes(n)) stderr.push(i);
  }
  for (let start = 0; start < options.count; start += perEntry) {
    const n = Math.min(perEntry, options.count - start);
    entries.push({ id: `${options.firstLine + start + n - 1}-0`, n });
  }
  return {
    container_id: options.containerId ?? cid('a1'),
    host_id: options.hostId ?? HOST_A,
    log,
    entries,
    stderr,
    tty: false,
  };
}
