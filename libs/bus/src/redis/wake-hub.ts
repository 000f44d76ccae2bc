import type { RedisClient } from './connections';
import { BusClosedError } from '../common/errors';
import { type BusLogger } from '../common/logger';
import { closeConnection } from './connections';
import { describeError } from '@flotilla/logging';

type Listener = (channel: string) => void;

interface Channel {
  listeners: Set<Listener>;
  subscribed: Promise<void>;
}

/** SUBSCRIBE to one channel, or PSUBSCRIBE to a pattern of channels. */
type Kind = 'channel' | 'pattern';

/**
 * The bus's one subscriber connection, opened on first use and shared by every wake callback and
 * host tracker. ioredis re-subscribes by itself after a reconnect.
 */
export class WakeHub {
  private subscriber: RedisClient | undefined;
  private readonly subscriptions: Record<Kind, Map<string, Channel>> = {
    channel: new Map(),
    pattern: new Map(),
  };
  private closed = false;

  constructor(
    private readonly open: () => RedisClient,
    private readonly logger: BusLogger,
  ) {}

  /** Resolves once Redis confirmed the subscription, so a wake sent afterwards is not missed. */
  subscribe(name: string, listener: () => void): Promise<() => Promise<void>> {
    return this.add('channel', name, () => listener());
  }

  /** As `subscribe`, for every channel matching the glob `pattern`; the listener gets its name. */
  psubscribe(pattern: string, listener: Listener): Promise<() => Promise<void>> {
    return this.add('pattern', pattern, listener);
  }

  private async add(kind: Kind, name: string, listener: Listener): Promise<() => Promise<void>> {
    if (this.closed) throw new BusClosedError();
    const subscriber = this.connection();
    const channels = this.subscriptions[kind];
    let channel = channels.get(name);
    if (!channel) {
      const request = kind === 'channel' ? subscriber.subscribe(name) : subscriber.psubscribe(name);
      channels.set(
        name,
        (channel = { listeners: new Set(), subscribed: request.then(() => undefined) }),
      );
    }
    // A wrapper per call, so one function subscribed twice is removed once per stop.
    const entry: Listener = (c) => listener(c);
    channel.listeners.add(entry);
    try {
      await channel.subscribed;
    } catch (error: unknown) {
      this.remove(kind, name, channel, entry);
      throw error;
    }
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      if (
        this.remove(kind, name, channel, entry) &&
        !this.closed &&
        subscriber.status === 'ready'
      ) {
        await (kind === 'channel' ? subscriber.unsubscribe(name) : subscriber.punsubscribe(name));
      }
    };
  }

  /** Drops a listener; true when it was the channel's last. */
  private remove(kind: Kind, name: string, channel: Channel, entry: Listener): boolean {
    const channels = this.subscriptions[kind];
    channel.listeners.delete(entry);
    if (channel.listeners.size > 0 || channels.get(name) !== channel) return false;
    channels.delete(name);
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscriptions.channel.clear();
    this.subscriptions.pattern.clear();
    if (this.subscriber) await closeConnection(this.subscriber);
  }

  private connection(): RedisClient {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.open();
    subscriber.on('message', (channel: string) => this.deliver('channel', channel, channel));
    subscriber.on('pmessage', (pattern: string, channel: string) =>
      this.deliver('pattern', pattern, channel),
    );
    this.subscriber = subscriber;
    return subscriber;
  }

  private deliver(kind: Kind, name: string, channel: string): void {
    for (const listener of [...(this.subscriptions[kind].get(name)?.listeners ?? [])]) {
      try {
        listener(channel);
      } catch (error: unknown) {
        this.logger.error(`wake handler on ${channel} failed: ${describeError(error)}`);
      }
    }
  }
}
