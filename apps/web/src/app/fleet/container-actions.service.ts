import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { Container, ContainerAction, ContainerActionPayload } from '@flotilla/contracts/core';
import { WEB_CONFIG } from '../core/app-config';
import { NotificationService } from '../core/notifications/notification.service';
import { SocketService } from '../core/socket/socket.service';
import { isErrorAck } from '../core/socket/socket.types';
import { ConfirmService } from '../shared/confirm.service';
import { shortId } from '../shared/format';
import { containerLabel } from './fleet-query';
import { containerKey } from './fleet-state';
import { FleetStore } from './fleet.store';

export type UserAction = Extract<ContainerAction, 'start' | 'stop' | 'restart' | 'unpause'>;

const PAST: Record<ContainerAction, string> = {
  start: 'started',
  stop: 'stopped',
  restart: 'restarted',
  unpause: 'unpaused',
  remove: 'removed',
};
const TITLE: Record<ContainerAction, string> = {
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  unpause: 'Unpause',
  remove: 'Remove',
};
const PROGRESS: Record<ContainerAction, string> = {
  start: 'Starting…',
  stop: 'Stopping…',
  restart: 'Restarting…',
  unpause: 'Unpausing…',
  remove: 'Removing…',
};

/** How long one's own action's broadcast is recognised as one's own. */
const OWN_ACTION_WINDOW_MS = 60_000;

/** Which actions make sense in a state. */
function actionsInState(state: Container['state']): UserAction[] {
  switch (state) {
    case 'running':
    case 'restarting':
      return ['stop', 'restart'];
    case 'paused':
      return ['unpause', 'stop'];
    case 'created':
    case 'exited':
    case 'dead':
      return ['start'];
    case 'removed':
      return [];
  }
}

/**
 * The actions to offer: those that make sense in the container's state and that the user's role
 * allows (`allowed`, as the gateway said on connecting; null when it did not say: all).
 */
export function actionsFor(
  c: Pick<Container, 'state'>,
  allowed: readonly ContainerAction[] | null = null,
): UserAction[] {
  const sensible = actionsInState(c.state);
  return allowed === null ? sensible : sensible.filter((a) => allowed.includes(a));
}

export function actionTitle(action: ContainerAction): string {
  return TITLE[action];
}

export function actionProgress(action: ContainerAction): string {
  return PROGRESS[action];
}

/**
 * Start, stop, restart: confirm, show the action as pending, then its result or error. Also
 * tells the user what others did ("alice stopped web-1") from the `container_action` broadcast.
 */
@Injectable({ providedIn: 'root' })
export class ContainerActionsService {
  private readonly socket = inject(SocketService);
  private readonly notifications = inject(NotificationService);
  private readonly confirm = inject(ConfirmService);
  private readonly fleet = inject(FleetStore);
  private readonly config = inject(WEB_CONFIG);
  private readonly pendingSignal = signal<ReadonlyMap<string, UserAction>>(new Map());
  /** Actions this tab asked for recently: their broadcasts are not news to it. */
  private readonly own = new Map<string, number>();

  readonly pending = this.pendingSignal.asReadonly();
  readonly pendingCount = computed(() => this.pendingSignal().size);
  /** Actions are offered but not clickable while the gateway is out of reach. */
  readonly connected = computed(() => this.socket.state() === 'connected');

  constructor() {
    this.socket
      .on('container_action')
      .pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((payload) => this.onBroadcast(payload));
  }

  /** The actions to offer for `c` to this user now. */
  available(c: Pick<Container, 'state'>): UserAction[] {
    return actionsFor(c, this.socket.allowedActions());
  }

  pendingAction(hostId: string, containerId: string): UserAction | null {
    return this.pendingSignal().get(containerKey(hostId, containerId)) ?? null;
  }

  /** Asks for confirmation, then runs the action; resolves when it is done (or declined). */
  async run(container: Container, action: UserAction): Promise<void> {
    const key = containerKey(container.host_id, container.container_id);
    if (this.pendingSignal().has(key) || !this.connected()) return;
    const name = containerLabel(container);
    const ok = await this.confirm.ask({
      title: `${TITLE[action]} ${name}?`,
      message: `${TITLE[action]} container ${name} (${shortId(container.container_id)}) on host ${container.host_id}.`,
      confirmLabel: TITLE[action],
      danger: action !== 'start',
    });
    if (!ok) return;

    this.setPending(key, action);
    const now = Date.now();
    for (const [k, at] of this.own) if (now - at > OWN_ACTION_WINDOW_MS) this.own.delete(k);
    this.own.set(`${key}:${action}`, now);
    try {
      const ack = await this.socket.request(
        'container_action',
        { container_id: container.container_id, host_id: container.host_id, action },
        this.config.actionTimeoutMs,
      );
      if (isErrorAck(ack)) {
        this.socket.reportFailure(`Could not ${action} ${name}`, ack);
      } else {
        this.notifications.showNotification({
          type: 'success',
          message: ack.unchanged
            ? `${name} was already ${PAST[action]}`
            : `${name} ${PAST[action]}`,
        });
      }
    } catch (error) {
      this.socket.reportFailure(`Could not ${action} ${name}`, error);
    } finally {
      this.setPending(key, null);
    }
  }

  private onBroadcast(p: ContainerActionPayload): void {
    const key = containerKey(p.host_id, p.container_id);
    const mine = this.own.get(`${key}:${p.action}`);
    const me = this.socket.server()?.user ?? null;
    if (
      mine !== undefined &&
      Date.now() - mine < OWN_ACTION_WINDOW_MS &&
      (me === null || me === p.user)
    ) {
      this.own.delete(`${key}:${p.action}`);
      return;
    }
    const c = this.fleet.find(p.host_id, p.container_id);
    const name = c ? containerLabel(c) : shortId(p.container_id);
    const who = p.user || 'Someone';
    if (p.ok) {
      this.notifications.showNotification({
        type: 'info',
        message: `${who} ${PAST[p.action]} ${name}`,
        detail: p.host_id,
      });
    } else {
      this.notifications.showNotification({
        type: 'warning',
        message: `${who} tried to ${p.action} ${name}: ${p.error ?? 'failed'}`,
        detail: p.host_id,
      });
    }
  }

  private setPending(key: string, action: UserAction | null): void {
    this.pendingSignal.update((old) => {
      const next = new Map(old);
      if (action) next.set(key, action);
      else next.delete(key);
      return next;
    });
  }
}
