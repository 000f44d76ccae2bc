import type { TimelineEntry } from '@flotilla/contracts/core';

/** Points of one hour (local time), newest first, as the page lists them under one heading. */
export interface TimelineGroup {
  /** Epoch ms of the hour's start. */
  hour: number;
  entries: TimelineEntry[];
}

/** Groups newest-first entries by local hour, keeping their order. */
export function groupByHour(entries: readonly TimelineEntry[]): TimelineGroup[] {
  const groups: TimelineGroup[] = [];
  for (const entry of entries) {
    const d = new Date(entry.at);
    d.setMinutes(0, 0, 0);
    const hour = d.getTime();
    const last = groups[groups.length - 1];
    if (last?.hour === hour) last.entries.push(entry);
    else groups.push({ hour, entries: [entry] });
  }
  return groups;
}

/** Merges a fresh page into what is shown: one copy of each point, newest first. */
export function mergeEntries(
  fresh: readonly TimelineEntry[],
  shown: readonly TimelineEntry[],
  sinceMs: number,
): TimelineEntry[] {
  const byId = new Map<string, TimelineEntry>();
  for (const e of [...fresh, ...shown]) if (!byId.has(e.id)) byId.set(e.id, e);
  return [...byId.values()]
    .filter((e) => Date.parse(e.at) >= sinceMs)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.id < b.id ? 1 : -1));
}

/** What a point says, in a few words. */
export function describeEntry(e: TimelineEntry): string {
  switch (e.kind) {
    case 'die':
      return e.exit_code === null || e.exit_code === undefined
        ? 'died'
        : `died (exit ${e.exit_code})`;
    case 'oom':
      return `killed: out of memory${e.exit_code !== null && e.exit_code !== undefined ? ` (exit ${e.exit_code})` : ''}`;
    case 'health':
      return `health: ${e.health ?? 'unknown'}`;
    case 'action':
      return `${e.user ?? 'someone'} asked ${e.action ?? 'an action'}${e.ok === false ? ` — refused: ${e.error ?? 'failed'}` : ''}`;
    case 'host_online':
      return 'agent started';
    case 'host_offline':
      return 'agent stopped';
    case 'destroy':
      return 'removed';
    case 'create':
      return 'created';
    case 'start':
      return 'started';
    case 'pause':
      return 'paused';
    case 'unpause':
      return 'unpaused';
  }
}
