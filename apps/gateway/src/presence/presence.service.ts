import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import {
  COMPOSE_PROJECT_LABEL,
  PRESENCE_TIMINGS,
  presenceTargetKey,
  type PresenceCountsPayload,
  type PresenceTarget,
  type WatchOk,
  type WatchPayload,
} from '@flotilla/contracts';
import type { Bus } from '@flotilla/bus';
import { describeError } from '@flotilla/logging';
import { canSee, canSeeHost, type ContainerRef } from '../auth/access-policy';
import type { Principal } from '../auth/principal';
import type { GatewayConfig } from '../config/gateway.config';
import { GatewayError } from '../core/gateway-error';
import { BUS, GATEWAY_CONFIG, REPLICA_ID } from '../core/tokens';
import { ContainerResolver } from '../fleet/container-resolver.service';
import { ClientOutbox } from '../socket/client-outbox.service';
import type { ClientConnection } from '../socket/client-connection';
import {
  containerCounts,
  countChanges,
  localTargets,
  presenceFor,
  tallyPresence,
  type LocalWatch,
  type TargetViewers,
} from './presence-tally';

interface Watch extends LocalWatch {
  key: string;
  /** The last `presence` sent, as JSON: a tick sends only what changed. */
  sent?: string;
}

/**
 * Presence across replicas. A socket says what its page shows with `watch`; every tick (or soon
 * after a change) this replica publishes its sockets' watches as one bus record, reads every
 * replica's records back, and sends each of its watchers who else is at its target, and each
 * socket that sent `watch` the watcher counts that changed, of containers it may see only.
 * Per tick the cost is one record written and one hash read per replica, plus one comparison
 * per local watcher and, when counts change, one scope check per socket and changed container.
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PresenceService.name);
  /** Sockets that sent `watch`: each gets counts; those with a target are in presence too. */
  private readonly watchers = new Map<ClientConnection, Watch | null>();
  private tally = new Map<string, TargetViewers>();
  private counts = new Map<string, number>();
  /** Name and labels of the counted containers, for principals with container scopes. */
  private readonly refs = new Map<string, ContainerRef | null>();
  private changed = true;
  private publishedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(REPLICA_ID) private readonly replica: string,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly resolver: ContainerResolver,
    private readonly outbox: ClientOutbox,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), PRESENCE_TIMINGS.tickMs);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.soon);
    await this.running;
    await this.bus.presence.withdraw(this.replica).catch((error: unknown) => {
      this.logger.warn(`withdrawing presence failed: ${describeError(error)}`);
    });
  }

  /**
   * Replaces the socket's target. A target the principal may not see is refused exactly as an
   * unknown one, so presence reveals nothing outside the principal's scope.
   */
  async watch(connection: ClientConnection, payload: WatchPayload): Promise<WatchOk> {
    const target = payload.target && (await this.admit(connection.principal, payload.target));
    // The socket may have gone while its target was looked up: nothing to watch for it then.
    if (connection.closed) return { status: 'ok', counts: { counts: {}, full: true } };
    const before = this.watchers.get(connection);
    const watch: Watch | null = target && {
      target,
      key: presenceTargetKey(target),
      user: this.config.authMode === 'none' ? null : connection.principal.user,
    };
    this.watchers.set(connection, watch);
    if (before?.key !== watch?.key) this.changedNow();
    const counts: PresenceCountsPayload['counts'] = {};
    for (const [key, n] of this.counts) this.addVisible(counts, connection.principal, key, n);
    return { status: 'ok', counts: { counts, full: true } };
  }

  dropConnection(connection: ClientConnection): void {
    const watch = this.watchers.get(connection);
    if (!this.watchers.delete(connection)) return;
    if (watch) this.changedNow();
  }

  /** Whether the socket's watch target is this container (its page or its log viewer). */
  watches(connection: ClientConnection, hostId: string, containerId: string): boolean {
    const target = this.watchers.get(connection)?.target;
    return (
      target?.kind === 'container' &&
      target.host_id === hostId &&
      target.container_id === containerId
    );
  }

  /** The target as stored (full container id), or a refusal if the principal cannot see it. */
  private async admit(principal: Principal, target: PresenceTarget): Promise<PresenceTarget> {
    if (target.kind === 'container') {
      const container = await this.resolver.resolve(principal, target.container_id, target.host_id);
      return {
        kind: 'container',
        host_id: container.host_id,
        container_id: container.container_id,
      };
    }
    const hosts = (await this.bus.hosts.list()).filter((h) => canSeeHost(principal, h.host_id));
    for (const host of hosts) {
      const containers = await this.bus.snapshots.list(host.host_id);
      const seen = containers.some(
        (c) => c.labels[COMPOSE_PROJECT_LABEL] === target.project && canSee(principal, c),
      );
      if (seen) return target;
    }
    throw new GatewayError('unknown_container', `no stack named ${target.project}`);
  }

  private changedNow(): void {
    this.changed = true;
    if (this.stopped || this.soon) return;
    // A few watches arriving together go out in one publish.
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.tick();
    }, 50);
  }

  private tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    // One tick at a time; a tick asked for meanwhile runs after it.
    this.running = (this.running ?? Promise.resolve()).then(() => this.runTick());
    return this.running;
  }

  private async runTick(): Promise<void> {
    if (this.stopped) return;
    try {
      const now = Date.now();
      if (this.changed || now - this.publishedAt >= PRESENCE_TIMINGS.renewMs) {
        this.changed = false;
        const watches = [...this.watchers.values()].filter((w): w is Watch => w !== null);
        await this.bus.presence.publish(
          this.replica,
          localTargets(watches),
          PRESENCE_TIMINGS.ttlMs,
        );
        this.publishedAt = now;
      }
      this.tally = tallyPresence(await this.bus.presence.list());
      this.sendPresence();
      await this.sendCounts();
    } catch (error: unknown) {
      this.logger.warn(`presence tick failed: ${describeError(error)}`);
    }
  }

  private sendPresence(): void {
    for (const [connection, watch] of this.watchers) {
      if (!watch) continue;
      const payload = presenceFor(watch.target, this.tally.get(watch.key), watch.user);
      const text = JSON.stringify(payload);
      if (text === watch.sent) continue;
      watch.sent = text;
      this.outbox.send(connection, 'presence', payload);
    }
  }

  private async sendCounts(): Promise<void> {
    const next = containerCounts(this.tally);
    const changes = countChanges(this.counts, next);
    this.counts = next;
    if (changes.size === 0) return;
    await this.learnRefs(changes.keys());
    for (const connection of this.watchers.keys()) {
      const counts: PresenceCountsPayload['counts'] = {};
      let any = false;
      for (const [key, n] of changes) {
        any = this.addVisible(counts, connection.principal, key, n) || any;
      }
      if (any) this.outbox.send(connection, 'presence_counts', { counts });
    }
    for (const key of changes.keys()) if (!next.has(key)) this.refs.delete(key);
  }

  /** Adds `key`'s count to `counts` if the principal may see that container. */
  private addVisible(
    counts: PresenceCountsPayload['counts'],
    principal: Principal,
    key: string,
    n: number,
  ): boolean {
    const [hostId, containerId] = key.split('/');
    if (!canSeeHost(principal, hostId)) return false;
    if (principal.containers !== undefined) {
      // Unknown name and labels fail closed (canSee without them refuses container scopes).
      const ref = this.refs.get(key) ?? { host_id: hostId, container_id: containerId };
      if (!canSee(principal, ref)) return false;
    }
    (counts[hostId] ??= {})[containerId] = n;
    return true;
  }

  /** Reads the name and labels of newly counted containers from their hosts' snapshots. */
  private async learnRefs(keys: Iterable<string>): Promise<void> {
    for (const key of keys) {
      if (this.refs.has(key) || !this.counts.has(key)) continue;
      const [hostId, containerId] = key.split('/');
      const container = await this.bus.snapshots.get(hostId, containerId);
      this.refs.set(key, container);
    }
  }
}
