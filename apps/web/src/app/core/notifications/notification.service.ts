import { DestroyRef, Injectable, inject, signal } from '@angular/core';

export type NotificationType = 'error' | 'warning' | 'info' | 'success';

export interface NotificationInput {
  type: NotificationType;
  message: string;
  /** Secondary text: an error code, a correlation id. */
  detail?: string;
  /** Notifications with the same key replace each other and count repeats instead of piling up. */
  key?: string;
  /**
   * Stays until dismissed: for what the user has to act on or read in full (a refused
   * connection, what changed during an outage). Everything else fades after a few seconds.
   */
  sticky?: boolean;
}

export interface AppNotification extends Required<Omit<NotificationInput, 'detail'>> {
  id: number;
  detail: string | null;
  /** How many times it was raised while on screen. */
  count: number;
  at: Date;
}

/**
 * How long each kind stays on screen unless sticky. Errors too fade: a failure that needs the
 * user says so by being sticky; the rest would only pile up over the rows.
 */
export const LIFETIME_MS: Record<NotificationType, number> = {
  error: 10_000,
  warning: 8_000,
  info: 6_000,
  success: 5_000,
};

/** Notifications kept; beyond it the oldest are folded into a counter, still visible. */
const MAX_KEPT = 50;

/** What keeps a notice on screen while the user reads it: the pointer over it, focus in it. */
export type NoticeHold = 'pointer' | 'focus';

/**
 * Every message the user must see: server `error` events, failed acks, action results, what
 * other people did. Nothing is dropped silently: repeats are counted, overflow is counted.
 */
@Injectable({ providedIn: 'root' })
export class NotificationService {
  private readonly items = signal<readonly AppNotification[]>([]);
  private readonly overflow = signal(0);
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  /** Notices being read, and by what: none of them fades until all their holds are let go. */
  private readonly held = new Map<number, Set<NoticeHold>>();
  private nextId = 1;

  /** What is on screen, newest last. */
  readonly notifications = this.items.asReadonly();
  /** How many older notifications were folded away because too many were on screen. */
  readonly folded = this.overflow.asReadonly();

  constructor() {
    inject(DestroyRef).onDestroy(() => this.timers.forEach((t) => clearTimeout(t)));
  }

  /** Shows a notification (the original design's `showNotification`) and returns its id. */
  showNotification(input: NotificationInput): number {
    const key = input.key ?? `${input.type}:${input.message}`;
    const existing = this.items().find((n) => n.key === key);
    if (existing) {
      const updated: AppNotification = {
        ...existing,
        type: input.type,
        message: input.message,
        detail: input.detail ?? existing.detail,
        sticky: existing.sticky || (input.sticky ?? false),
        // A reworded notice of the same thing (an ack after the event) is not a repeat.
        count: existing.message === input.message ? existing.count + 1 : existing.count,
        at: new Date(),
      };
      this.items.update((list) => [...list.filter((n) => n.id !== existing.id), updated]);
      this.schedule(updated);
      return existing.id;
    }
    const note: AppNotification = {
      id: this.nextId++,
      type: input.type,
      message: input.message,
      detail: input.detail ?? null,
      key,
      sticky: input.sticky ?? false,
      count: 1,
      at: new Date(),
    };
    let list = [...this.items(), note];
    if (list.length > MAX_KEPT) {
      const excess = list.length - MAX_KEPT;
      list.slice(0, excess).forEach((n) => this.forget(n.id));
      list = list.slice(excess);
      this.overflow.update((n) => n + excess);
    }
    this.items.set(list);
    this.schedule(note);
    return note.id;
  }

  error(message: string, detail?: string, key?: string): number {
    return this.showNotification({ type: 'error', message, detail, key });
  }

  dismiss(id: number): void {
    this.forget(id);
    this.items.update((list) => list.filter((n) => n.id !== id));
  }

  /** Takes down the notice raised under `key`, if it shows (its cause is over). */
  dismissKey(key: string): void {
    const note = this.items().find((n) => n.key === key);
    if (note) this.dismiss(note.id);
  }

  /** Keeps a notice on screen while the user reads it (pointer over it, focus in it). */
  hold(id: number, by: NoticeHold): void {
    const holds = this.held.get(id) ?? new Set<NoticeHold>();
    holds.add(by);
    this.held.set(id, holds);
    this.clearTimer(id);
  }

  /** The user moved on: once nothing holds it, the notice fades after its full lifetime again. */
  release(id: number, by: NoticeHold): void {
    const holds = this.held.get(id);
    if (!holds?.delete(by) || holds.size > 0) return;
    this.held.delete(id);
    const note = this.items().find((n) => n.id === id);
    if (note) this.schedule(note);
  }

  dismissAll(): void {
    this.timers.forEach((t) => clearTimeout(t));
    this.timers.clear();
    this.held.clear();
    this.items.set([]);
    this.overflow.set(0);
  }

  private schedule(note: AppNotification): void {
    this.clearTimer(note.id);
    if (note.sticky || this.held.has(note.id)) return;
    this.timers.set(
      note.id,
      setTimeout(() => this.dismiss(note.id), LIFETIME_MS[note.type]),
    );
  }

  /** It is off the screen: no timer, no hold. */
  private forget(id: number): void {
    this.clearTimer(id);
    this.held.delete(id);
  }

  private clearTimer(id: number): void {
    const timer = this.timers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(id);
  }
}
