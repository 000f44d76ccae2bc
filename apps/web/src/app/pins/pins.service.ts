import {
  DestroyRef,
  Injectable,
  computed,
  inject,
  signal,
  type Signal,
  type WritableSignal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { Pin, PinLinePayload } from '@flotilla/contracts/core';
import { FETCH } from '../auth/login.service';
import { isErrorAck } from '../core/socket/socket.types';
import { SocketService } from '../core/socket/socket.service';

interface Tracked {
  pins: WritableSignal<readonly Pin[]>;
  /** Pushes received: a read that started before the latest push is older than it, and dropped. */
  pushes: number;
}

/**
 * Pinned lines per container: read once over REST, then kept live by the gateway's `pins`
 * pushes (each the container's whole list), and read again after every reconnect.
 */
@Injectable({ providedIn: 'root' })
export class PinsService {
  private readonly socket = inject(SocketService);
  private readonly fetch = inject(FETCH);
  private readonly tracked = new Map<string, Tracked>();

  /** The user's role may pin (scope is checked per container by the gateway). */
  readonly canPin = computed(() => this.socket.server()?.pin_lines === true);

  constructor() {
    const destroyRef = inject(DestroyRef);
    this.socket
      .on('pins')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((payload) => {
        const t = this.track(payload.host_id, payload.container_id);
        t.pushes++;
        t.pins.set(payload.pins);
      });
    this.socket.connects$.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => {
      for (const key of this.tracked.keys()) {
        const [hostId, containerId] = key.split('/');
        void this.read(hostId, containerId);
      }
    });
  }

  /** The container's pins (full id), live; the first ask reads them. */
  pinsOf(hostId: string, containerId: string): Signal<readonly Pin[]> {
    const known = this.tracked.has(`${hostId}/${containerId}`);
    const t = this.track(hostId, containerId);
    if (!known) void this.read(hostId, containerId);
    return t.pins.asReadonly();
  }

  async pin(payload: PinLinePayload): Promise<Pin> {
    const ack = await this.socket.request('pin_line', payload);
    if (isErrorAck(ack)) throw new Error(ack.error);
    return ack.pin;
  }

  async unpin(pin: Pin): Promise<void> {
    const { host_id, container_id, id } = pin;
    const ack = await this.socket.request('unpin', { host_id, container_id, pin_id: id });
    if (isErrorAck(ack)) throw new Error(ack.error);
  }

  private track(hostId: string, containerId: string): Tracked {
    const key = `${hostId}/${containerId}`;
    let t = this.tracked.get(key);
    if (!t) this.tracked.set(key, (t = { pins: signal<readonly Pin[]>([]), pushes: 0 }));
    return t;
  }

  private async read(hostId: string, containerId: string): Promise<void> {
    const t = this.track(hostId, containerId);
    const pushes = t.pushes;
    const path = `/api/containers/${encodeURIComponent(hostId)}/${encodeURIComponent(containerId)}/pins`;
    const res = await this.fetch(path, { credentials: 'same-origin' }).catch(() => null);
    if (!res?.ok) return;
    const body = (await res.json()) as { pins: Pin[] };
    if (t.pushes === pushes) t.pins.set(body.pins);
  }
}
