import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { statsSampleSchema } from '@flotilla/contracts';
import {
  cpuPercent,
  hasCpuBaseline,
  memoryUsage,
  toStatsSample,
  type DockerStats,
} from './stats-calculator';

const fixture = (name: string): DockerStats =>
  JSON.parse(
    readFileSync(join(__dirname, '../../test/support/stats', name), 'utf8'),
  ) as DockerStats;
const ID = '83806c4d536026a1985efe85031182b61ca40d0f1b13206ee1d713bafcc446b5';

describe('stats calculator', () => {
  it('computes a cgroup v1 sample (recorded from dockerd 20.10, a busy loop on a 2-CPU host)', () => {
    const sample = toStatsSample('host-a', ID, fixture('stats-cgroup-v1.json'));
    // (4236323341 - 3244374572) / (2437770000000 - 2435790000000) × 2 × 100
    expect(sample.cpu_percent).toBeCloseTo((991948769 / 1980000000) * 2 * 100, 6);
    expect(sample.cpu_percent).toBeGreaterThan(99);
    expect(sample).toMatchObject({
      online_cpus: 2,
      memory_usage: 1449984 - 49152,
      memory_limit: 25276502016,
      net_rx: 2000,
      net_tx: 1000,
      block_read: 4096000 + 1000,
      block_write: 8192 + 24,
      pids: 1,
      read: '2026-11-25T19:33:07.717615637Z',
    });
    expect(sample.memory_percent).toBeCloseTo(((1449984 - 49152) / 25276502016) * 100, 9);
    expect(statsSampleSchema.safeParse(sample).success).toBe(true);
  });

  it('computes a cgroup v2 sample', () => {
    const sample = toStatsSample('host-a', ID, fixture('stats-cgroup-v2.json'));
    expect(sample.cpu_percent).toBeCloseTo((50_000_000 / 4_000_000_000) * 4 * 100, 9);
    expect(sample).toMatchObject({
      online_cpus: 4,
      memory_usage: 52428800 - 20971520,
      memory_limit: 104857600,
      memory_percent: 30,
      net_rx: 123456,
      net_tx: 654321,
      block_read: 2097152 + 1024,
      block_write: 65536,
      pids: 7,
    });
  });

  it('reports 0 % on the first sample of a stream (no previous reading)', () => {
    const first = fixture('stats-cgroup-v2.json');
    first.precpu_stats = { cpu_usage: { total_usage: 0 }, system_cpu_usage: 0, online_cpus: 0 };
    expect(cpuPercent(first).percent).toBe(0);
    // ...so that reading is not published: a chart would start with a dip to 0.
    expect(hasCpuBaseline(first)).toBe(false);
    expect(hasCpuBaseline(fixture('stats-cgroup-v2.json'))).toBe(true);
  });

  it("says whether the limit is the container's own, when told", () => {
    const s = fixture('stats-cgroup-v2.json');
    expect(toStatsSample('h', ID, s, true).memory_limited).toBe(true);
    expect(toStatsSample('h', ID, s, false).memory_limited).toBe(false);
    expect('memory_limited' in toStatsSample('h', ID, s)).toBe(false);
    expect(statsSampleSchema.safeParse(toStatsSample('h', ID, s, true)).success).toBe(true);
  });

  it('counts CPUs from percpu_usage when online_cpus is missing', () => {
    const s = fixture('stats-cgroup-v1.json');
    delete s.cpu_stats!.online_cpus;
    expect(cpuPercent(s).onlineCpus).toBe(2);
  });

  it('keeps the whole usage when the cache figure is missing or larger', () => {
    expect(memoryUsage({ memory_stats: { usage: 100, stats: {} } })).toBe(100);
    expect(memoryUsage({ memory_stats: { usage: 100, stats: { total_inactive_file: 500 } } })).toBe(
      100,
    );
  });

  it('survives a stopped container sample full of zeros and nulls', () => {
    const sample = toStatsSample('h', ID, {
      read: '0001-01-01T00:00:00Z',
      pids_stats: {},
      blkio_stats: { io_service_bytes_recursive: null },
      cpu_stats: { cpu_usage: { total_usage: 0 }, system_cpu_usage: 0 },
      precpu_stats: { cpu_usage: { total_usage: 0 }, system_cpu_usage: 0 },
      memory_stats: {},
      networks: null,
    });
    expect(statsSampleSchema.safeParse(sample).success).toBe(true);
    expect(sample.cpu_percent).toBe(0);
  });
});
