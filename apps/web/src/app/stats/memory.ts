import type { StatsSample } from '@flotilla/contracts/core';
import { formatBytes, formatPercent } from '../shared/format';

type MemoryFields = Pick<StatsSample, 'memory_usage' | 'memory_limit' | 'memory_percent'> &
  Partial<Pick<StatsSample, 'memory_limited'>>;

/**
 * Memory use as a person reads it: against the container's limit when it has one
 * ("12.3 MiB of 64 MiB (19%)"), otherwise naming the host's RAM Docker reports instead
 * ("12.3 MiB of host RAM (15.6 GiB)"). Agents that do not say which get the bare figure.
 */
export function memoryText(s: MemoryFields): string {
  const used = formatBytes(s.memory_usage);
  if (s.memory_limit <= 0) return used;
  // A limit is usually set in whole units: "64 MiB", as it was typed, not "64.0 MiB".
  const limit = formatBytes(s.memory_limit).replace(/\.0 /, ' ');
  if (s.memory_limited === true) return `${used} of ${limit} (${formatPercent(s.memory_percent)})`;
  if (s.memory_limited === false) return `${used} of host RAM (${limit})`;
  return `${used} of ${limit}`;
}
