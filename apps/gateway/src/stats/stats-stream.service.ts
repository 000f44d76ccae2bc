import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  type Container,
  type OkAck,
  type StatsSample,
  type StatsSubscriptionPayload,
} from '@flotilla/contracts';
import type { Bus } from '@flotilla/bus';
import { canSee } from '../auth/access-policy';
import {
  ChannelServices,
  LeasedChannel,
  LeasedChannels,
  type ChannelKind,
  type ChannelStopReason,
  type ChannelViewer,
} from '../bus/leased-channels';
import type { RawEntries } from '../bus/stream-router.service';
import { BUS } from '../core/tokens';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { ClientOutbox } from '../socket/client-outbox.service';
import type { ClientConnection } from '../socket/client-connection';
import { RemovedContainerError } from '../fleet/container-resolver.service';

class StatsChannel extends LeasedChannel<StatsSubscriber> {
  latest: StatsSample | undefined;
}

/** A subscriber holds nothing in flight: each sample is sent as it comes. */
class StatsSubscriber implements ChannelViewer {
  constructor(
    readonly connection: ClientConnection,
    readonly channel: StatsChannel,
  ) {}

  end(): void {}
}

/** Whom a stopped notice goes to: a subscriber, or a request for a removed container. */
type StoppedViewer = Pick<StatsSubscriber, 'connection'> & {
  channel: Pick<StatsChannel, 'container'>;
};

const STOPPED_MESSAGES: Record<ChannelStopReason, string> = {
  requested: 'Stats stream stopped',
  removed: 'Container was removed',
  error: 'Stats stream failed',
};

/**
 * Stats streams: like logs, one channel (LeasedChannels: lease + followed stream) per container
 * with subscribers on this replica. Each sample goes to every subscriber as `stats_update` (about
 * one a second); a subscriber whose queue is over the cap skips samples, which later ones
 * supersede.
 */
@Injectable()
export class StatsStreamService
  implements OnModuleDestroy, ChannelKind<StatsChannel, StatsSubscriber>
{
  readonly kind = 'stats';
  readonly noun = 'stats subscription';
  private readonly channels: LeasedChannels<StatsChannel, StatsSubscriber>;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly outbox: ClientOutbox,
    services: ChannelServices,
    metrics: GatewayMetrics,
  ) {
    this.channels = new LeasedChannels<StatsChannel, StatsSubscriber>(this, services);
    metrics.observe({ statsStreams: () => this.channels.size });
  }

  /**
   * A container removed before the request arrived (a page renewing its subscriptions after a
   * reconnect, before it heard of the removal) is answered like one removed just after: ok, and
   * `stats_stream_stopped`. The stream is over; that is news for the page, not a fault.
   */
  async subscribe(connection: ClientConnection, payload: StatsSubscriptionPayload): Promise<OkAck> {
    let admitted: Awaited<ReturnType<typeof this.channels.admit>>;
    try {
      admitted = await this.channels.admit(connection, payload);
    } catch (error: unknown) {
      if (!(error instanceof RemovedContainerError)) throw error;
      this.sendStopped({ connection, channel: { container: error.container } }, 'removed');
      return { status: 'ok' };
    }
    const { container, key } = admitted;
    if (connection.streamKeys.stats.has(key) || !this.channels.accepts(connection))
      return { status: 'ok' };
    const latest = this.channels.get(key)?.latest;
    if (latest) this.outbox.send(connection, 'stats_update', latest);
    this.channels.join(new StatsSubscriber(connection, this.channels.channelFor(key, container)));
    return { status: 'ok' };
  }

  /** Idempotent: a subscription already ended (or never made here) is answered ok too. */
  unsubscribe(connection: ClientConnection, payload: StatsSubscriptionPayload): OkAck {
    const subscriber = this.channels.findToEnd(connection, payload.container_id, payload.host_id);
    if (subscriber) this.channels.leave(subscriber);
    return { status: 'ok' };
  }

  dropConnection(connection: ClientConnection): void {
    this.channels.dropConnection(connection);
  }

  channelSummary(): { key: string; viewers: number }[] {
    return this.channels.all().map((c) => ({ key: c.key, viewers: c.viewers.size }));
  }

  onModuleDestroy(): void {
    this.channels.closeAll();
  }

  createChannel(key: string, container: Container): StatsChannel {
    return new StatsChannel(key, container);
  }

  /** The newest sample goes to the first subscribers at once; the channel follows after it. */
  async prepare(channel: StatsChannel): Promise<string> {
    const { host_id, container_id } = channel.container;
    const [last] = await this.bus.stats.latest(host_id, container_id, 1);
    if (last && !channel.closed) this.publish(channel, last.value);
    return last?.id ?? '0-0';
  }

  sendStopped({ connection, channel }: StoppedViewer, reason: ChannelStopReason): void {
    const { container_id, host_id } = channel.container;
    const message = STOPPED_MESSAGES[reason];
    this.outbox.send(connection, 'stats_stream_stopped', { container_id, host_id, message });
  }

  onEntries(channel: StatsChannel, entries: RawEntries): void {
    const { host_id, container_id } = channel.container;
    for (const entry of this.bus.records.stats(host_id, container_id, entries))
      this.publish(channel, entry.value);
  }

  private publish(channel: StatsChannel, sample: StatsSample): void {
    channel.latest = sample;
    for (const { connection } of channel.viewers.values()) {
      if (!canSee(connection.principal, channel.container) || this.outbox.isBackedUp(connection))
        continue;
      this.outbox.send(connection, 'stats_update', sample);
    }
  }
}
