import type Redis from 'ioredis';
import { BusClosedError } from '../common/errors';
import { describeError, type BusLogger } from '../common/logger';
import { closeConnection } from './connections';

interface Channel {
  listeners: Set<() => void>;
  subscribed: Promise<void>;
}

/**
 * The bus's one subscriber connection, opened on first use and shared by every wake callback.
 * ioredis re-subscribes by itself after a reconnect.
 */
export class WakeHub {
  private subscriber: Redis | undefined;
  private readonly channels = new Map<string, Channel>();
  private closed = false;

  constructor(
    private readonly open: () => Redis,
    private readonly logger: BusLogger,
  ) {}

  /** Resolves once Redis confirmed the subscription, so a wake sent afterwards is not missed. */
  async subscribe(name: string, listener: () => void): Promise<() => Promise<void>> {
    if (this.closed) throw new BusClosedError();
    const subscriber = this.connection();
    let channel = this.channels.get(name);
    if (!channel) {
      const subscribed = subscriber.subscribe(name).then(() => undefined);
      this.channels.set(name, (channel = { listeners: new Set(), subscribed }));
    }
    // A wrapper per call, so one function subscribed twice is removed once per stop.
    const entry = (): void => listener();
    channel.listeners.add(entry);
    try {
      await channel.subscribed;
    } catch (error: unknown) {
      this.remove(name, channel, entry);
      throw error;
    }
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      if (this.remove(name, channel, entry) && !this.closed && subscriber.status === 'ready') {
        await subscriber.unsubscribe(name);
      }
    };
  }

  /** Drops a listener; true when it was the channel's last. */
  private remove(name: string, channel: Channel, entry: () => void): boolean {
    channel.listeners.delete(entry);
    if (channel.listeners.size > 0 || this.channels.get(name) !== channel) return false;
    this.channels.delete(name);
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.channels.clear();
    if (this.subscriber) await closeConnection(this.subscriber);
  }

  private connection(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.open();
    subscriber.on('message', (channel: string) => {
      for (const listener of [...(this.channels.get(channel)?.listeners ?? [])]) {
        try {
          listener();
        } catch (error: unknown) {
          this.logger.error(`wake handler on ${channel} failed: ${describeError(error)}`);
        }
      }
    });
    this.subscriber = subscriber;
    return subscriber;
  }
}
