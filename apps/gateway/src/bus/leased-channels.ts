import { Inject, Injectable, Logger } from '@nestjs/common';
import { RedisKeys, type Container } from '@flotilla/contracts';
import type { LeaseKind } from '@flotilla/bus';
import { ErrorReporter } from '../core/error-reporter';
import { GatewayError } from '../core/gateway-error';
import type { GatewayTuning } from '../core/gateway-tuning';
import { GATEWAY_TUNING } from '../core/tokens';
import { ContainerResolver } from '../fleet/container-resolver.service';
import { HostDirectory } from '../fleet/host-directory.service';
import { ClientOutbox } from '../socket/client-outbox.service';
import type { ClientConnection } from '../socket/client-connection';
import { LeaseKeeper } from './lease-keeper.service';
import { StreamRouter, type RawEntries } from './stream-router.service';

/** One socket on one channel. */
export interface ChannelViewer {
  readonly connection: ClientConnection;
  readonly channel: LeasedChannel<ChannelViewer>;
  /** Stops whatever the viewer still has in flight (the viewer has left its channel). */
  end(): void;
}

/** A container's stream as this replica follows it (one lease, one followed key) for its viewers. */
export class LeasedChannel<V extends ChannelViewer> {
  /** By socket id: a socket has at most one viewer per channel. */
  readonly viewers = new Map<string, V>();
  closed = false;
  /** Settles once the stream is followed; rejects if it could not be (the channel then fails). */
  ready: Promise<void> = Promise.resolve();

  constructor(
    readonly key: string,
    readonly container: Container,
  ) {}
}

export type ChannelStopReason = 'requested' | 'removed' | 'error';

/** What one kind of channel (logs, stats) adds to the shared mechanism. */
export interface ChannelKind<C extends LeasedChannel<V>, V extends ChannelViewer> {
  /** The lease, the stream (RedisKeys[kind]) and the socket's keys (ClientConnection.streamKeys). */
  readonly kind: LeaseKind;
  /** How error messages name one viewer: "log stream", "stats subscription". */
  readonly noun: string;
  createChannel(key: string, container: Container): C;
  /** Reads what the channel needs before it is followed; resolves with the id to follow after. */
  prepare(channel: C): Promise<string>;
  onEntries(channel: C, entries: RawEntries): void;
  /** Tells the viewer's socket that its stream stopped. */
  sendStopped(viewer: V, reason: ChannelStopReason): void;
}

/** The replica's services every kind of channel uses. */
@Injectable()
export class ChannelServices {
  constructor(
    readonly router: StreamRouter,
    readonly leases: LeaseKeeper,
    readonly hosts: HostDirectory,
    readonly resolver: ContainerResolver,
    readonly outbox: ClientOutbox,
    readonly errors: ErrorReporter,
    @Inject(GATEWAY_TUNING) readonly tuning: GatewayTuning,
  ) {}
}

/**
 * The channels of one kind on this replica: a channel per container with viewers here, opened
 * (lease held, stream followed) by its first viewer and closed by its last; the per-socket stream
 * cap; lookup by id prefix; and the two ways a channel ends on its own, both told to every viewer
 * the same way for every kind: its container was removed, or following it failed.
 */
export class LeasedChannels<C extends LeasedChannel<V>, V extends ChannelViewer> {
  private readonly channels = new Map<string, C>();
  private readonly logger = new Logger(LeasedChannels.name);
  private closed = false;

  constructor(
    private readonly type: ChannelKind<C, V>,
    private readonly deps: ChannelServices,
  ) {
    deps.hosts.onContainerRemoved((hostId, removed) => {
      for (const channel of this.removedOn(hostId, removed)) this.endAll(channel, 'removed');
    });
  }

  get size(): number {
    return this.channels.size;
  }

  all(): C[] {
    return [...this.channels.values()];
  }

  get(key: string): C | undefined {
    return this.channels.get(key);
  }

  /** False once the replica is closing or the socket has gone: nothing new is opened then. */
  accepts(connection: ClientConnection): boolean {
    return !this.closed && !connection.closed;
  }

  /**
   * The live container the socket may see that the request names (by id prefix, on `host_id`
   * when given), and its channel's key; refuses a new stream over the per-socket cap.
   */
  async admit(
    connection: ClientConnection,
    { container_id: ref, host_id: hostId }: { container_id: string; host_id?: string },
  ): Promise<{ container: Container; key: string }> {
    const container = await this.deps.resolver.resolveLive(connection.principal, ref, hostId);
    const key = RedisKeys[this.type.kind](container.host_id, container.container_id);
    const max = this.deps.tuning.maxStreamsPerSocket;
    if (!this.keysOf(connection).has(key) && connection.streamCount >= max) {
      throw new GatewayError('rate_limited', `at most ${max} streams per connection`, ref);
    }
    return { container, key };
  }

  /** The channel for `key`, opened if nobody here watches it yet. */
  channelFor(key: string, container: Container): C {
    const existing = this.channels.get(key);
    if (existing) return existing;
    const channel = this.type.createChannel(key, container);
    this.channels.set(key, channel);
    const { host_id, container_id } = container;
    this.deps.leases.hold(this.type.kind, host_id, container_id);
    channel.ready = this.type.prepare(channel).then((after) => {
      if (channel.closed) return;
      this.deps.router.follow(key, after, (entries) => this.type.onEntries(channel, entries));
    });
    channel.ready.catch((error: unknown) => {
      if (!channel.closed) this.endAll(channel, 'error', error);
    });
    return channel;
  }

  /** Adds the socket's viewer; a viewer it replaces (same socket, same channel) ends at once. */
  join(viewer: V): V | undefined {
    const channel = viewer.channel as C;
    const replaced = channel.viewers.get(viewer.connection.id);
    replaced?.end();
    channel.viewers.set(viewer.connection.id, viewer);
    this.keysOf(viewer.connection).add(channel.key);
    return replaced;
  }

  /** Still the socket's viewer on an open channel of a running replica. */
  isCurrent(viewer: V): boolean {
    return (
      !this.closed &&
      !viewer.connection.closed &&
      !viewer.channel.closed &&
      viewer.channel.viewers.get(viewer.connection.id) === viewer
    );
  }

  /** Removes the viewer, closing its channel when it was the last one here. */
  leave(viewer: V): void {
    const { channel, connection } = viewer;
    viewer.end();
    if (channel.viewers.get(connection.id) === viewer) channel.viewers.delete(connection.id);
    if (!channel.viewers.has(connection.id)) this.keysOf(connection).delete(channel.key);
    if (channel.viewers.size === 0 && !channel.closed) this.close(channel as C);
  }

  /**
   * Ends a viewer its socket did not stop: an `error` first when it failed (a correlation id for
   * anything unexpected), then the kind's stopped event.
   */
  stop(viewer: V, reason: ChannelStopReason, error?: unknown): void {
    this.leave(viewer);
    if (reason === 'error') {
      const report = this.deps.errors.toClient(error, `${this.type.noun} of ${viewer.channel.key}`);
      this.deps.outbox.send(viewer.connection, 'error', {
        ...report,
        container_id: viewer.channel.container.container_id,
      });
    }
    this.type.sendStopped(viewer, reason);
  }

  /**
   * The socket's viewer whose container id starts with `ref` (on `hostId` when given), which the
   * socket asks to end; undefined when it has none. Ending what is already over is not an error:
   * its container was removed or its stream failed (the socket was told so), or the socket opened
   * it before it reconnected to this replica. The client is answered as if it had ended it, so a
   * page never reports a failure for it, and a container the principal may not see answers the
   * same as any other. A prefix naming several of the socket's viewers is still refused.
   */
  findToEnd(connection: ClientConnection, ref: string, hostId: string | undefined): V | undefined {
    const found: V[] = [];
    for (const key of this.keysOf(connection)) {
      const viewer = this.channels.get(key)?.viewers.get(connection.id);
      const c = viewer?.channel.container;
      if (
        viewer &&
        c?.container_id.startsWith(ref) &&
        (hostId === undefined || c.host_id === hostId)
      )
        found.push(viewer);
    }
    if (found.length === 1) return found[0];
    const noun = this.type.noun;
    if (found.length === 0) {
      this.logger.debug(`socket ${connection.id}: no ${noun} of ${ref} to end; nothing to do`);
      return undefined;
    }
    throw new GatewayError(
      'ambiguous_container',
      `${ref} names several of your ${noun}s; give a host_id`,
      ref,
    );
  }

  /** The socket went away: its viewers leave, closing channels nobody here watches any more. */
  dropConnection(connection: ClientConnection): void {
    const keys = this.keysOf(connection);
    for (const key of [...keys]) {
      const viewer = this.channels.get(key)?.viewers.get(connection.id);
      if (viewer) this.leave(viewer);
    }
    keys.clear();
  }

  /** Orderly shutdown: every channel closes (leases dropped, streams unfollowed). */
  closeAll(): void {
    this.closed = true;
    for (const channel of [...this.channels.values()]) this.close(channel);
  }

  private keysOf(connection: ClientConnection): Set<string> {
    return connection.streamKeys[this.type.kind];
  }

  private close(channel: C): void {
    channel.closed = true;
    for (const viewer of channel.viewers.values()) viewer.end();
    if (this.channels.get(channel.key) === channel) this.channels.delete(channel.key);
    this.deps.router.unfollow(channel.key);
    const { host_id, container_id } = channel.container;
    this.deps.leases.drop(this.type.kind, host_id, container_id);
  }

  private endAll(channel: C, reason: ChannelStopReason, error?: unknown): void {
    for (const viewer of [...channel.viewers.values()]) this.stop(viewer, reason, error);
  }

  /** The channels here whose container `removed` says is gone (one id, or a host's survivors). */
  private removedOn(hostId: string, removed: string | ReadonlySet<string>): C[] {
    return [...this.channels.values()].filter(({ container: c }) => {
      if (c.host_id !== hostId) return false;
      return typeof removed === 'string'
        ? c.container_id === removed
        : !removed.has(c.container_id);
    });
  }
}
