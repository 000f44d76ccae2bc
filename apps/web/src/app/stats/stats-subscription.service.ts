import {
  DestroyRef,
  Injectable,
  type Signal,
  type WritableSignal,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { StatsSample } from '@flotilla/contracts/core';
import { WEB_CONFIG } from '../core/app-config';
import { SocketService } from '../core/socket/socket.service';
import { SharedSubscriptions } from '../core/socket/shared-subscriptions';
import { isErrorAck } from '../core/socket/socket.types';
import { containerKey } from '../fleet/fleet-state';
import { Batcher } from '../shared/batcher';
import { shortId } from '../shared/format';

interface Watched {
  hostId: string;
  containerId: string;
  samples: WritableSignal<readonly StatsSample[]>;
  stopped: WritableSignal<string | null>;
}

export interface StatsTarget {
  hostId: string;
  containerId: string;
}

const NONE: readonly StatsSample[] = [];

/**
 * Resource samples of the containers someone looks at. Subscriptions are reference-counted
 * (one `subscribe_stats` per container), renewed after a reconnect, and the fleet view's share is
 * capped: it asks only for the running containers on screen.
 */
@Injectable({ providedIn: 'root' })
export class StatsSubscriptionService {
  private readonly socket = inject(SocketService);
  private readonly config = inject(WEB_CONFIG);
  private readonly watched = new SharedSubscriptions<Watched>(this.socket, {
    open: (w) => this.subscribe(w),
    close: (w) => this.unsubscribe(w),
    target: (w) => ({ hostId: w.hostId, ref: w.containerId }),
    gone: (w) => w.stopped.set('the container no longer exists'),
  });
  private fleetKeys = new Set<string>();
  private readonly batcher = new Batcher<StatsSample>((samples) => this.apply(samples), 100);

  constructor() {
    const destroyRef = inject(DestroyRef);
    destroyRef.onDestroy(() => this.batcher.dispose());
    this.socket
      .on('stats_update')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((sample) => this.batcher.push(sample));
    this.socket
      .on('stats_stream_stopped')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((p) =>
        this.watched.get(containerKey(p.host_id, p.container_id))?.stopped.set(p.message),
      );
    this.watched.renewOnReconnect(this.socket.on('initial_state'), destroyRef);
  }

  /** Starts (or shares) the stats of a container; call `release` when done. */
  acquire(hostId: string, containerId: string): Signal<readonly StatsSample[]> {
    const w = this.watched.acquire(containerKey(hostId, containerId), () => ({
      hostId,
      containerId,
      samples: signal<readonly StatsSample[]>([]),
      stopped: signal<string | null>(null),
    }));
    return w.samples.asReadonly();
  }

  release(hostId: string, containerId: string): void {
    this.watched.release(containerKey(hostId, containerId));
  }

  /** Samples of a container if someone watches it (starts nothing); reactive. */
  samplesOf(hostId: string, containerId: string): readonly StatsSample[] {
    this.watched.changes();
    return this.watched.get(containerKey(hostId, containerId))?.samples() ?? NONE;
  }

  /** Why the stats of a watched container stopped, if they did; reactive. */
  stoppedReason(hostId: string, containerId: string): string | null {
    this.watched.changes();
    return this.watched.get(containerKey(hostId, containerId))?.stopped() ?? null;
  }

  /**
   * The fleet view's rows on screen: keeps subscriptions for (at most `maxFleetStats` of) them and
   * drops those scrolled away.
   */
  setFleetTargets(targets: readonly StatsTarget[]): void {
    const next = new Map<string, StatsTarget>();
    for (const t of targets) {
      if (next.size >= this.config.maxFleetStats) break;
      next.set(containerKey(t.hostId, t.containerId), t);
    }
    for (const key of this.fleetKeys) {
      if (next.has(key)) continue;
      const w = this.watched.get(key);
      if (w) this.release(w.hostId, w.containerId);
    }
    for (const [key, t] of next) {
      if (!this.fleetKeys.has(key)) this.acquire(t.hostId, t.containerId);
    }
    this.fleetKeys = new Set(next.keys());
  }

  /** Subscriptions open now (for specs and diagnostics). */
  watchedKeys(): string[] {
    return this.watched.keys();
  }

  private unsubscribe(w: Watched): void {
    this.socket.send(
      'unsubscribe_stats',
      { container_id: w.containerId, host_id: w.hostId },
      'Stopping stats failed',
    );
  }

  private subscribe(w: Watched): void {
    w.stopped.set(null);
    this.socket.request('subscribe_stats', { container_id: w.containerId, host_id: w.hostId }).then(
      (ack) => {
        if (!isErrorAck(ack)) return;
        w.stopped.set(ack.error);
        this.socket.reportFailure(`Stats of ${shortId(w.containerId)}`, ack);
      },
      (error: unknown) => {
        if (this.socket.connected)
          this.socket.reportFailure(`Stats of ${shortId(w.containerId)}`, error);
      },
    );
  }

  private apply(samples: StatsSample[]): void {
    const byKey = new Map<string, StatsSample[]>();
    for (const s of samples) {
      const key = containerKey(s.host_id, s.container_id);
      const list = byKey.get(key);
      if (list) list.push(s);
      else byKey.set(key, [s]);
    }
    const max = this.config.statsHistory;
    for (const [key, list] of byKey) {
      const w = this.watched.get(key);
      if (!w) continue;
      w.samples.update((old) => {
        const next = [...old, ...list];
        return next.length > max ? next.slice(next.length - max) : next;
      });
    }
  }
}
