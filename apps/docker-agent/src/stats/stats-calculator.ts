import type { StatsSample } from '@flotilla/contracts';

/** The part of Docker's stats JSON (`GET /containers/{id}/stats`) the calculator reads. */
export interface DockerStats {
  read?: string;
  pids_stats?: { current?: number } | null;
  blkio_stats?: {
    io_service_bytes_recursive?: Array<{ op?: string; value?: number }> | null;
  } | null;
  cpu_stats?: DockerCpuStats | null;
  precpu_stats?: DockerCpuStats | null;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> | null } | null;
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }> | null;
}

interface DockerCpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null } | null;
  system_cpu_usage?: number;
  online_cpus?: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/**
 * Whether a reading carries the previous one CPU % is measured against. Docker's first reading of
 * a stream does not: its CPU % would be a made-up 0, drawn as a dip when a chart starts.
 */
export function hasCpuBaseline(stats: DockerStats): boolean {
  return num(stats.precpu_stats?.system_cpu_usage) > 0;
}

/** CPU % as `docker stats`: cpu delta / system delta × online CPUs × 100, against `precpu_stats`. */
export function cpuPercent(stats: DockerStats): { percent: number; onlineCpus: number } {
  const cpu = stats.cpu_stats;
  const pre = stats.precpu_stats;
  let onlineCpus = num(cpu?.online_cpus);
  if (onlineCpus === 0) onlineCpus = cpu?.cpu_usage?.percpu_usage?.length ?? 0;
  // The first sample of a stream has no previous reading: nothing to compare with yet.
  if (num(pre?.system_cpu_usage) === 0) return { percent: 0, onlineCpus };
  const cpuDelta = num(cpu?.cpu_usage?.total_usage) - num(pre?.cpu_usage?.total_usage);
  const systemDelta = num(cpu?.system_cpu_usage) - num(pre?.system_cpu_usage);
  const percent = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * onlineCpus * 100 : 0;
  return { percent, onlineCpus };
}

/** Memory in use less the inactive file cache (cgroup v1 `total_inactive_file`, v2 `inactive_file`). */
export function memoryUsage(stats: DockerStats): number {
  const usage = num(stats.memory_stats?.usage);
  const s = stats.memory_stats?.stats ?? {};
  if ('total_inactive_file' in s) {
    const v = num(s.total_inactive_file);
    if (v < usage) return usage - v;
  }
  const v2 = num(s.inactive_file);
  return v2 < usage ? usage - v2 : usage;
}

/** Block I/O summed over devices, as `docker stats` (ops "read"/"write", any case). */
export function blockIo(stats: DockerStats): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const entry of stats.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (entry.op ?? '').toLowerCase();
    if (op === 'read') read += num(entry.value);
    else if (op === 'write') write += num(entry.value);
  }
  return { read, write };
}

export function networkIo(stats: DockerStats): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const net of Object.values(stats.networks ?? {})) {
    rx += num(net.rx_bytes);
    tx += num(net.tx_bytes);
  }
  return { rx, tx };
}

/** One wire sample from one Docker stats reading. */
export function toStatsSample(
  hostId: string,
  containerId: string,
  stats: DockerStats,
  memoryLimited?: boolean,
): StatsSample {
  const { percent, onlineCpus } = cpuPercent(stats);
  const memory = memoryUsage(stats);
  const limit = num(stats.memory_stats?.limit);
  const blk = blockIo(stats);
  const net = networkIo(stats);
  return {
    container_id: containerId,
    host_id: hostId,
    read: stats.read ?? new Date().toISOString(),
    cpu_percent: percent,
    online_cpus: Math.trunc(onlineCpus),
    memory_usage: memory,
    memory_limit: limit,
    memory_percent: limit > 0 ? (memory / limit) * 100 : 0,
    ...(memoryLimited === undefined ? {} : { memory_limited: memoryLimited }),
    net_rx: net.rx,
    net_tx: net.tx,
    block_read: blk.read,
    block_write: blk.write,
    pids: Math.trunc(num(stats.pids_stats?.current)),
  };
}
