import type { HostMatch } from '@flotilla/contracts';

interface HostQueue {
  batches: HostMatch[][];
  /** Index of the next match in `batches[0]`. */
  next: number;
  /** Every later match of this host is at or after this time (null: nothing known yet). */
  watermark: string | null;
  done: boolean;
  /** Batches passed on in full (what the agent's window counts). */
  consumed: number;
}

export interface MergedMatch extends HostMatch {
  host_id: string;
}

/**
 * Merges the hosts' match batches (each host's in time order) into one time order. A match is
 * passed on only once no host can still send an earlier one: every other host either has a
 * later match queued, has said it read everything up to a later time (its watermark: the last
 * match or progress it sent), or is done.
 */
export class TimeMerge {
  private readonly hosts = new Map<string, HostQueue>();

  constructor(hostIds: readonly string[]) {
    for (const id of hostIds)
      this.hosts.set(id, { batches: [], next: 0, watermark: null, done: false, consumed: 0 });
  }

  push(hostId: string, matches: HostMatch[]): void {
    const host = this.hosts.get(hostId);
    if (!host || host.done || matches.length === 0) return;
    host.batches.push(matches);
    this.advance(host, matches[matches.length - 1].ts);
  }

  progress(hostId: string, scannedTo: string | null): void {
    const host = this.hosts.get(hostId);
    if (host && scannedTo !== null) this.advance(host, scannedTo);
  }

  /** The host sends nothing more (done, failed or timed out); what it queued still counts. */
  finish(hostId: string): void {
    const host = this.hosts.get(hostId);
    if (host) host.done = true;
  }

  isFinished(hostId: string): boolean {
    return this.hosts.get(hostId)?.done ?? true;
  }

  queued(hostId: string): boolean {
    return (this.hosts.get(hostId)?.batches.length ?? 0) > 0;
  }

  consumed(hostId: string): number {
    return this.hosts.get(hostId)?.consumed ?? 0;
  }

  /** Every host finished and everything queued passed on. */
  get drained(): boolean {
    return [...this.hosts.values()].every((h) => h.done && h.batches.length === 0);
  }

  /** Matches still queued (for `truncated`). */
  get pending(): boolean {
    return [...this.hosts.values()].some((h) => h.batches.length > 0 || !h.done);
  }

  /** Up to `max` matches that can be passed on now, in time order. */
  take(max: number): MergedMatch[] {
    const out: MergedMatch[] = [];
    while (out.length < max) {
      let best: [string, HostQueue] | null = null;
      for (const entry of this.hosts) {
        const head = this.head(entry[1]);
        if (head && (!best || head.ts < (this.head(best[1]) as HostMatch).ts)) best = entry;
      }
      if (!best) break;
      const [hostId, host] = best;
      const head = this.head(host) as HostMatch;
      if (!this.nobodyEarlier(head.ts)) break;
      out.push({ host_id: hostId, ...head });
      if (++host.next >= host.batches[0].length) {
        host.batches.shift();
        host.next = 0;
        host.consumed++;
      }
    }
    return out;
  }

  private head(host: HostQueue): HostMatch | null {
    return host.batches.length > 0 ? host.batches[0][host.next] : null;
  }

  private nobodyEarlier(ts: string): boolean {
    for (const host of this.hosts.values()) {
      if (host.done || host.batches.length > 0) continue;
      if (host.watermark === null || host.watermark < ts) return false;
    }
    return true;
  }

  private advance(host: HostQueue, ts: string): void {
    if (host.watermark === null || ts > host.watermark) host.watermark = ts;
  }
}
