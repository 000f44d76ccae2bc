import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { RedisKeys, type Container } from '@flotilla/contracts';
import type { Bus, StreamEntry, StreamFollower } from '@flotilla/bus';
import { describeError } from '@flotilla/logging';
import { BUS, GATEWAY_TUNING, REPLICA_ID } from '../core/tokens';
import type { GatewayTuning } from '../core/gateway-tuning';
import { HostDirectory } from '../fleet/host-directory.service';
import { AlertDelivery } from './alert-delivery.service';
import { matchesContainer } from './alert-match';
import type { Occurrence } from './alert-triggers';

interface Watched {
  hostId: string;
  container: Container;
}

/**
 * Log-line rules: holds a logs lease on every running container a `log_match` rule matches, so
 * its agent follows it with no viewer (as a viewer's lease does), and reads those log streams on
 * a follower of its own. Each line is one occurrence, identified by its container and line number
 * (the same on every replica), handed to AlertDelivery, which claims and delivers.
 */
@Injectable()
export class AlertLogWatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AlertLogs');
  /** Known containers, by `host/container`. */
  private readonly containers = new Map<string, Container>();
  /** Log stream key → what it is, for the streams followed now. */
  private readonly watched = new Map<string, Watched>();
  /** Log stream key → newest entry id read, for the streams followed now. */
  private readonly read = new Map<string, string>();
  /** Opened with the first stream to follow: a fleet without log rules holds no connection for it. */
  private follower: StreamFollower | undefined;
  private readonly holder: string;
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    hosts: HostDirectory,
    private readonly delivery: AlertDelivery,
    @Inject(GATEWAY_TUNING) private readonly tuning: GatewayTuning,
    @Inject(REPLICA_ID) replicaId: string,
  ) {
    // A holder of its own: a viewer leaving (LeaseKeeper's release) must not end this lease.
    this.holder = `${replicaId}:alerts`;
    hosts.listen({
      followed: (_status, containers) => {
        for (const c of containers) this.containers.set(`${c.host_id}/${c.container_id}`, c);
      },
      event: (hostId, _id, event) => {
        if (event.type !== 'container') return;
        const key = `${hostId}/${event.container.container_id}`;
        if (event.container.state === 'removed') this.containers.delete(key);
        else this.containers.set(key, event.container);
      },
      changed: () => undefined,
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sync(), this.tuning.leaseRenewMs);
    void this.sync();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.syncing;
    await this.follower?.close();
    await Promise.allSettled(
      [...this.watched.values()].map((w) =>
        this.bus.leases.release('logs', w.hostId, w.container.container_id, this.holder),
      ),
    );
  }

  /** Log stream key → newest entry id read, per stream followed for alerts (GatewayInspector). */
  progress(): Record<string, string> {
    return Object.fromEntries([...this.watched.keys()].map((k) => [k, this.read.get(k) ?? '']));
  }

  /** Follows (and leases) what log rules match now, renews those leases, drops the rest. */
  sync(): Promise<void> {
    this.syncing ??= this.reconcile()
      .catch((error: unknown) => {
        if (!this.stopped) this.logger.warn(`log rules: ${describeError(error)}`);
      })
      .finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async reconcile(): Promise<void> {
    const rules = this.delivery
      .currentRules()
      .filter((r) => r.enabled && r.trigger.kind === 'log_match');
    const wanted = new Map<string, Watched>();
    for (const c of this.containers.values()) {
      if (c.state !== 'running' || !rules.some((r) => matchesContainer(r.match, c))) continue;
      wanted.set(RedisKeys.logs(c.host_id, c.container_id), { hostId: c.host_id, container: c });
    }
    for (const [key, w] of this.watched) {
      if (wanted.has(key)) continue;
      this.watched.delete(key);
      this.read.delete(key);
      this.follower?.unfollow(key);
      await this.bus.leases.release('logs', w.hostId, w.container.container_id, this.holder);
    }
    for (const [key, w] of wanted) {
      if (this.stopped) return;
      const id = w.container.container_id;
      await this.bus.leases.acquire('logs', w.hostId, id, this.holder, this.tuning.leaseTtlMs);
      const known = this.watched.get(key);
      if (known) {
        known.container = w.container;
        continue;
      }
      // From the newest entry: a rule alerts on what is logged after it starts watching.
      const last = await this.bus.logs.last(w.hostId, id);
      this.watched.set(key, w);
      this.follower ??= this.bus.follower((k, entries) => this.onEntries(k, entries));
      this.follower.follow(key, last?.id ?? '0-0');
    }
  }

  private onEntries(key: string, raw: StreamEntry<Record<string, string>>[]): void {
    const w = this.watched.get(key);
    if (!w || raw.length === 0) return;
    const occurrences: Occurrence[] = [];
    for (const entry of this.bus.records.logs(w.hostId, w.container.container_id, raw)) {
      const lines = entry.text.split('\n');
      lines.pop();
      const firstSeq = entry.seq - lines.length + 1;
      lines.forEach((text, i) => {
        const space = text.indexOf(' ');
        const at = Date.parse(text.slice(0, space));
        occurrences.push({
          kind: 'log_match',
          hostId: w.hostId,
          eventId: `log-${w.container.container_id}-${firstSeq + i}`,
          at: Number.isNaN(at) ? Date.now() : at,
          container: w.container,
          line: space === -1 ? text : text.slice(space + 1),
        });
      });
    }
    this.delivery.consider(occurrences);
    this.read.set(key, raw[raw.length - 1].id);
  }
}
