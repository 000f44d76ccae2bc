import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { Container, HostStatus } from '@flotilla/contracts/core';
import { WEB_CONFIG } from '../core/app-config';
import { SocketService } from '../core/socket/socket.service';
import { Batcher } from '../shared/batcher';
import type { ContainerLookup } from './container-ref';
import { FleetState } from './fleet-state';

type FleetChange = { kind: 'container'; container: Container } | { kind: 'host'; host: HostStatus };

/**
 * The live fleet for the whole tab. `initial_state` replaces the snapshot (it is sent again after
 * every reconnect); changes are applied in small batches so a burst of Docker events costs one
 * recomputation of the views, not one per event.
 */
@Injectable({ providedIn: 'root' })
export class FleetStore {
  private readonly socket = inject(SocketService);
  private readonly state = new FleetState();
  private readonly version = signal(0);
  private readonly loadedSignal = signal(false);
  private readonly batcher = new Batcher<FleetChange>(
    (changes) => this.applyChanges(changes),
    inject(WEB_CONFIG).fleetFlushMs,
  );

  /** True once the first `initial_state` arrived. */
  readonly loaded = this.loadedSignal.asReadonly();
  readonly containers = computed<readonly Container[]>(() => {
    this.version();
    return [...this.state.containers.values()];
  });
  readonly hosts = computed<readonly HostStatus[]>(() => {
    this.version();
    return [...this.state.hosts.values()].sort((a, b) => (a.host_id < b.host_id ? -1 : 1));
  });

  constructor() {
    const destroyRef = inject(DestroyRef);
    destroyRef.onDestroy(() => this.batcher.dispose());
    this.socket
      .on('initial_state')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((payload) => {
        this.batcher.flush();
        this.state.applyInitialState(payload);
        this.loadedSignal.set(true);
        this.bump();
      });
    this.socket
      .on('container_state_change')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((container) => this.batcher.push({ kind: 'container', container }));
    this.socket
      .on('host_state_change')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((host) => this.batcher.push({ kind: 'host', host }));
  }

  /** A container by host and full id, name or unambiguous prefix; reactive when read in a computed. */
  find(hostId: string, idOrPrefix: string): Container | undefined {
    this.version();
    return this.state.find(hostId, idOrPrefix);
  }

  /** What a link's reference names on a host (a container, several, or none); reactive. */
  lookup(hostId: string, ref: string): ContainerLookup {
    this.version();
    return this.state.lookup(hostId, ref);
  }

  host(hostId: string): HostStatus | undefined {
    this.version();
    return this.state.hosts.get(hostId);
  }

  isHostOnline(hostId: string): boolean {
    this.version();
    return this.state.isHostOnline(hostId);
  }

  private applyChanges(changes: FleetChange[]): void {
    let changed = false;
    for (const change of changes) {
      if (change.kind === 'host') {
        this.state.applyHost(change.host);
        changed = true;
      } else if (this.state.applyContainer(change.container)) {
        changed = true;
      }
    }
    if (changed) this.bump();
  }

  private bump(): void {
    this.version.update((v) => v + 1);
  }
}
