import { type DestroyRef, type Signal, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { Container } from '@flotilla/contracts/core';
import type { Observable } from 'rxjs';
import { containerPresence } from '../../shared/container-ref';

/** What a feature service does for one subscription over the socket. */
export interface SubscriptionHooks<T> {
  /** Asks the gateway for it: on the first acquire while connected, and after every reconnect. */
  open(item: T): void;
  /** Tells the gateway it is no longer wanted: after the last release, while connected. */
  close(item: T): void;
  /** The container it is about: a host and an id, id prefix or name. */
  target(item: T): { hostId: string; ref: string };
  /** Its container was gone when the socket came back: it is not asked for again. */
  gone(item: T): void;
}

/** The socket as this helper sees it. */
export interface SubscriptionSocket {
  readonly connected: boolean;
  readonly connects$: Observable<unknown>;
}

/**
 * Reference-counted subscriptions that survive reconnects: one request to the gateway per key
 * however many views share it, renewed when the socket connects again, ended when the last view
 * lets go. The log and stats services both keep their streams here.
 *
 * A reconnect renews only once the socket's fresh `initial_state` has come, and only what still
 * exists in it: a container removed while the page was away would be refused, an alarm for
 * something that is not wrong.
 */
export class SharedSubscriptions<T extends object> {
  private readonly entries = new Map<string, { item: T; refs: number }>();
  private readonly version = signal(0);
  /** Items asked for on the current socket (acquired after it connected). */
  private openedOnSocket = new WeakSet<T>();
  /** Items asked for on any socket: one absent from a later fleet was removed meanwhile. */
  private readonly everOpened = new WeakSet<T>();

  constructor(
    private readonly socket: SubscriptionSocket,
    private readonly hooks: SubscriptionHooks<T>,
  ) {}

  /** Renews held items on each connect, once that socket's fleet (`initial_state`) arrives. */
  renewOnReconnect(
    fleets$: Observable<{ containers: readonly Container[] }>,
    destroyRef: DestroyRef,
  ): void {
    this.socket.connects$
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe(() => (this.openedOnSocket = new WeakSet()));
    fleets$
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe(({ containers }) => this.renew(containers));
  }

  /** Bumped whenever a key starts or ends, for views that read `get` reactively. */
  get changes(): Signal<number> {
    return this.version.asReadonly();
  }

  /** The shared item of `key`, made by `create` and opened if nobody held it. */
  acquire(key: string, create: () => T): T {
    const existing = this.entries.get(key);
    if (existing) {
      existing.refs++;
      return existing.item;
    }
    const item = create();
    this.entries.set(key, { item, refs: 1 });
    this.version.update((v) => v + 1);
    if (this.socket.connected) this.open(item);
    return item;
  }

  /**
   * Lets go of `key` (only if it still holds `item`, when given). Returns the item when this was
   * the last holder, after closing it; otherwise null.
   */
  release(key: string, item?: T): T | null {
    const entry = this.entries.get(key);
    if (!entry || (item !== undefined && entry.item !== item)) return null;
    if (--entry.refs > 0) return null;
    this.entries.delete(key);
    this.version.update((v) => v + 1);
    if (this.socket.connected) this.hooks.close(entry.item);
    return entry.item;
  }

  get(key: string): T | undefined {
    return this.entries.get(key)?.item;
  }

  /** Is this exact item still held? (A late answer for a released one is ignored.) */
  holds(key: string, item: T): boolean {
    return this.entries.get(key)?.item === item;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  items(): T[] {
    return [...this.entries.values()].map((e) => e.item);
  }

  /**
   * Opens every held item not yet asked for on this socket whose container is in `containers`,
   * its reference resolved as a link's is; a container removed (or gone since it was asked for) is
   * gone. An ambiguous prefix is asked for all the same: the gateway's answer says what is wrong.
   */
  renew(containers: readonly Container[]): void {
    for (const { item } of this.entries.values()) {
      if (this.openedOnSocket.has(item)) continue;
      const { hostId, ref } = this.hooks.target(item);
      const presence = containerPresence(containers, hostId, ref);
      // Absent and never asked for yet: the gateway's answer is the truth (a partial fleet
      // proves nothing, and an unknown or out-of-scope container gets its one answer).
      if (presence === 'present' || (presence === 'absent' && !this.everOpened.has(item)))
        this.open(item);
      else this.hooks.gone(item);
    }
  }

  private open(item: T): void {
    this.openedOnSocket.add(item);
    this.everOpened.add(item);
    this.hooks.open(item);
  }
}
