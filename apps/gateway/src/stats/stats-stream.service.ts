import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  RedisKeys,
  type Container,
  type OkAck,
  type StatsSample,
  type StatsSubscriptionPayload,
} from '@flotilla/contracts';
import type { Bus } from '@flotilla/bus';
import { canSee } from '../auth/access-policy';
import { LeaseKeeper } from '../bus/lease-keeper.service';
import { StreamRouter, type RawEntries } from '../bus/stream-router.service';
import { GatewayError } from '../core/gateway-error';
import type { GatewayTuning } from '../core/gateway-tuning';
import { BUS, GATEWAY_TUNING } from '../core/tokens';
import { ContainerResolver } from '../fleet/container-resolver.service';
import { FleetStateService } from '../fleet/fleet-state.service';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ClientOutbox } from '../socket/client-outbox.service';
import type { ClientSession } from '../socket/client-session';
import { describeError } from '@flotilla/logging';

class StatsChannel {
  readonly viewers = new Map<string, ClientSession>();
  latest: StatsSample | undefined;
  closed = false;

  constructor(
    readonly key: string,
    readonly container: Container,
  ) {}
}

/**
 * Stats streams: like logs, one channel (lease + followed stream) per container with subscribers
 * on this replica. Each sample goes to every subscriber as `stats_update` (about one a second);
 * a subscriber whose queue is over the cap skips samples, which later ones supersede.
 */
@Injectable()
export class StatsStreamService implements OnModuleDestroy {
  private readonly logger = new Logger(StatsStreamService.name);
  private readonly channels = new Map<string, StatsChannel>();

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly router: StreamRouter,
    private readonly leases: LeaseKeeper,
    private readonly resolver: ContainerResolver,
    private readonly outbox: ClientOutbox,
    @Inject(GATEWAY_TUNING) private readonly tuning: GatewayTuning,
    metrics: GatewayMetrics,
    fleet: FleetStateService,
  ) {
    fleet.onContainerRemoved((hostId, removed) => {
      for (const containerId of this.removedOn(hostId, removed))
        this.containerRemoved(hostId, containerId);
    });
    metrics.observe({ statsStreams: () => this.channels.size });
  }

  async subscribe(session: ClientSession, payload: StatsSubscriptionPayload): Promise<OkAck> {
    const container = await this.resolver.resolveLive(
      session.principal,
      payload.container_id,
      payload.host_id,
    );
    const key = RedisKeys.stats(container.host_id, container.container_id);
    if (session.statsKeys.has(key)) return { status: 'ok' };
    if (session.streamCount >= this.tuning.maxStreamsPerSocket) {
      throw new GatewayError(
        'rate_limited',
        `at most ${this.tuning.maxStreamsPerSocket} streams per connection`,
        payload.container_id,
      );
    }
    if (session.closed) return { status: 'ok' };
    let channel = this.channels.get(key);
    if (!channel) {
      channel = this.open(key, container);
    } else if (channel.latest) {
      this.outbox.send(session, 'stats_update', channel.latest);
    }
    channel.viewers.set(session.id, session);
    session.statsKeys.add(key);
    return { status: 'ok' };
  }

  unsubscribe(session: ClientSession, payload: StatsSubscriptionPayload): OkAck {
    const channels = [...session.statsKeys]
      .map((key) => this.channels.get(key))
      .filter((c): c is StatsChannel => c !== undefined)
      .filter(
        (c) =>
          c.container.container_id.startsWith(payload.container_id) &&
          (payload.host_id === undefined || c.container.host_id === payload.host_id),
      );
    if (channels.length === 0) {
      throw new GatewayError(
        'unknown_container',
        `no stats subscription of ${payload.container_id} on this connection`,
        payload.container_id,
      );
    }
    if (channels.length > 1) {
      throw new GatewayError(
        'ambiguous_container',
        `${payload.container_id} names several of your subscriptions; give a host_id`,
        payload.container_id,
      );
    }
    this.leave(channels[0], session);
    return { status: 'ok' };
  }

  dropSession(session: ClientSession): void {
    for (const key of [...session.statsKeys]) {
      const channel = this.channels.get(key);
      if (channel) this.leave(channel, session);
    }
    session.statsKeys.clear();
  }

  channelSummary(): { key: string; viewers: number }[] {
    return [...this.channels.values()].map((c) => ({ key: c.key, viewers: c.viewers.size }));
  }

  onModuleDestroy(): void {
    for (const channel of [...this.channels.values()]) this.close(channel);
  }

  private open(key: string, container: Container): StatsChannel {
    const channel = new StatsChannel(key, container);
    this.channels.set(key, channel);
    this.leases.hold('stats', container.host_id, container.container_id);
    void this.bus.stats
      .latest(container.host_id, container.container_id, 1)
      .then((latest) => {
        if (channel.closed) return;
        const last = latest[latest.length - 1];
        if (last) this.publish(channel, last.value);
        this.router.follow(key, last?.id ?? '0-0', (entries) => this.onEntries(channel, entries));
      })
      .catch((error: unknown) => {
        this.logger.warn(`following ${key} failed: ${describeError(error)}`);
        for (const session of [...channel.viewers.values()])
          this.stopFor(channel, session, 'Stats stream failed');
      });
    return channel;
  }

  private onEntries(channel: StatsChannel, entries: RawEntries): void {
    const { host_id, container_id } = channel.container;
    for (const entry of this.bus.records.stats(host_id, container_id, entries))
      this.publish(channel, entry.value);
  }

  private publish(channel: StatsChannel, sample: StatsSample): void {
    channel.latest = sample;
    for (const session of channel.viewers.values()) {
      if (!canSee(session.principal, channel.container) || this.outbox.isBackedUp(session))
        continue;
      this.outbox.send(session, 'stats_update', sample);
    }
  }

  private leave(channel: StatsChannel, session: ClientSession): void {
    channel.viewers.delete(session.id);
    session.statsKeys.delete(channel.key);
    if (channel.viewers.size === 0) this.close(channel);
  }

  private close(channel: StatsChannel): void {
    if (channel.closed) return;
    channel.closed = true;
    if (this.channels.get(channel.key) === channel) this.channels.delete(channel.key);
    this.router.unfollow(channel.key);
    this.leases.drop('stats', channel.container.host_id, channel.container.container_id);
  }

  private stopFor(channel: StatsChannel, session: ClientSession, message: string): void {
    const { container_id, host_id } = channel.container;
    this.leave(channel, session);
    this.outbox.send(session, 'stats_stream_stopped', { container_id, host_id, message });
  }

  /** The containers with a channel here that `removed` says are gone. */
  private removedOn(hostId: string, removed: string | ReadonlySet<string>): string[] {
    if (typeof removed === 'string') return [removed];
    return [...this.channels.values()]
      .map((c) => c.container)
      .filter((c) => c.host_id === hostId && !removed.has(c.container_id))
      .map((c) => c.container_id);
  }

  private containerRemoved(hostId: string, containerId: string): void {
    const channel = this.channels.get(RedisKeys.stats(hostId, containerId));
    if (!channel) return;
    for (const session of [...channel.viewers.values()])
      this.stopFor(channel, session, 'Container was removed');
  }
}
