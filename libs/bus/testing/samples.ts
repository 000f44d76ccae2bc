import type {
  CommandReply,
  CommandRequest,
  Container,
  HostInfo,
  StatsSample,
} from '@flotilla/contracts';
import {
  sampleContainer as validContainer,
  sampleStats as validStats,
} from '@flotilla/contracts/testing';

/** A full 64-digit container id derived from a small number, so tests stay readable. */
export function containerId(n: number): string {
  return n.toString(16).padStart(64, '0');
}

export function sampleHost(hostId: string, over: Partial<HostInfo> = {}): HostInfo {
  return {
    host_id: hostId,
    labels: { site: 'lab' },
    agent_version: '0.1.0',
    started_at: '2026-11-25T10:00:00.000Z',
    engine: { reachable: true, version: '26.1.5', address: '/var/run/docker.sock', error: null },
    ...over,
  };
}

/** Container `n` of a host: the contract's fixture with a readable id and name. */
export function sampleContainer(
  hostId: string,
  n: number,
  over: Partial<Container> = {},
): Container {
  return validContainer({
    container_id: containerId(n),
    host_id: hostId,
    name: `app-${n}`,
    ...over,
  });
}

/** A sample of container `n` of a host, read now: the contract's fixture with `cpu`. */
export function sampleStats(hostId: string, n: number, cpu: number): StatsSample {
  return validStats({
    container_id: containerId(n),
    host_id: hostId,
    read: new Date().toISOString(),
    cpu_percent: cpu,
  });
}

let requests = 0;

export function sampleRequest(hostId: string, over: Partial<CommandRequest> = {}): CommandRequest {
  requests++;
  return {
    v: 1,
    request_id: `req-${String(requests).padStart(4, '0')}-${Math.random().toString(36).slice(2, 8)}`,
    host_id: hostId,
    container_id: containerId(1),
    action: 'restart',
    requested_by: 'alice',
    expires_at: Date.now() + 60_000,
    ...over,
  };
}

export function replyTo(request: CommandRequest, over: Partial<CommandReply> = {}): CommandReply {
  return {
    v: 1,
    request_id: request.request_id,
    host_id: request.host_id,
    container_id: request.container_id,
    action: request.action,
    ok: true,
    unchanged: false,
    error: null,
    code: null,
    finished_at: new Date().toISOString(),
    ...over,
  };
}

/** Log lines as the agent writes them: `<timestamp> <text>`. */
export function logLines(from: number, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `2026-11-25T10:00:00.${String(from + i).padStart(9, '0')}Z line ${from + i}`,
  );
}
