import type { StatsSample } from '../src/core';

/**
 * A valid stats sample with every field filled, for tests in every package (the browser's too:
 * it needs only types). A test sets in `over` what it is about.
 */
export function sampleStats(over: Partial<StatsSample> = {}): StatsSample {
  return {
    container_id: 'a'.repeat(64),
    host_id: 'host-a',
    read: '2026-11-25T10:00:02.000Z',
    cpu_percent: 12.5,
    online_cpus: 2,
    memory_usage: 1024,
    memory_limit: 4096,
    memory_percent: 25,
    net_rx: 0,
    net_tx: 0,
    block_read: 0,
    block_write: 0,
    pids: 3,
    ...over,
  };
}
