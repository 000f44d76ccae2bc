import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type Signal,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import type { StatsSample } from '@flotilla/contracts/core';
import type { LogStream } from '../logs/log-stream';
import { LogSubscriptionService } from '../logs/log-subscription.service';
import { LogViewerComponent } from '../logs/log-viewer.component';
import { StateBadgeComponent } from '../shared/state-badge.component';
import { ClockService } from '../shared/clock.service';
import { containerStatus, exitKind, shortId } from '../shared/format';
import { StatsChartComponent } from '../stats/stats-chart.component';
import { StatsSubscriptionService } from '../stats/stats-subscription.service';
import { ContainerActionButtonsComponent } from './container-action-buttons.component';
import { isIdReference } from '../shared/container-ref';
import { containerLabel } from './fleet-query';
import { FleetStore } from './fleet.store';
import { AlsoHereComponent } from '../presence/also-here.component';
import { CrashLoopBadgeComponent } from '../exits/crash-loop-badge.component';
import { CrashLoopService } from '../exits/crash-loop.service';
import { ContainerExitsComponent } from '../exits/container-exits.component';
import { ContainerPinsComponent } from '../pins/container-pins.component';
import type { PresenceTarget } from '@flotilla/contracts/core';

/** `/containers/:host/:id`: a container's details, actions, live resource chart and logs. */
@Component({
  selector: 'flo-container-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterLink,
    StateBadgeComponent,
    StatsChartComponent,
    LogViewerComponent,
    ContainerActionButtonsComponent,
    AlsoHereComponent,
    CrashLoopBadgeComponent,
    ContainerExitsComponent,
    ContainerPinsComponent,
  ],
  templateUrl: './container-page.component.html',
})
export class ContainerPageComponent {
  readonly host = input.required<string>();
  readonly id = input.required<string>();

  private readonly fleet = inject(FleetStore);
  private readonly stats = inject(StatsSubscriptionService);
  private readonly logs = inject(LogSubscriptionService);
  private readonly clock = inject(ClockService);
  private readonly crashLoops = inject(CrashLoopService);

  protected readonly lookup = computed(() => this.fleet.lookup(this.host(), this.id()));
  protected readonly container = computed(() => {
    const found = this.lookup();
    return found.kind === 'found' ? found.container : null;
  });
  /** Containers an ambiguous id prefix matches, to choose from. */
  protected readonly choices = computed(() => {
    const found = this.lookup();
    return found.kind === 'ambiguous' ? found.matches : [];
  });
  protected readonly loaded = this.fleet.loaded;
  protected readonly shortId = shortId;
  protected readonly containerLabel = containerLabel;
  protected readonly status = computed(() => {
    const c = this.container();
    return c ? containerStatus(c, this.clock.now()) : '';
  });
  protected readonly exit = computed(() => {
    const c = this.container();
    return c ? exitKind(c) : null;
  });
  protected readonly loop = computed(() => {
    const c = this.container();
    return c ? this.crashLoops.stateOf(c.host_id, c.container_id) : null;
  });
  protected readonly hostOnline = computed(() => this.fleet.isHostOnline(this.host()));
  protected readonly presenceTarget = computed<PresenceTarget | null>(
    () => {
      const c = this.container();
      return c ? { kind: 'container', host_id: c.host_id, container_id: c.container_id } : null;
    },
    { equal: (a, b) => a?.kind === b?.kind && JSON.stringify(a) === JSON.stringify(b) },
  );
  protected readonly name = computed(() => {
    const c = this.container();
    return c ? containerLabel(c) : shortId(this.id());
  });
  protected readonly labels = computed(() =>
    Object.entries(this.container()?.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  protected readonly stream = signal<LogStream | null>(null);
  protected readonly logLabels = computed<Record<string, string>>(() => {
    const s = this.stream();
    return s ? { [s.key]: this.name() } : {};
  });
  private readonly samplesSource = signal<Signal<readonly StatsSample[]> | null>(null);
  protected readonly samples = computed(() => this.samplesSource()?.() ?? []);
  protected readonly statsStopped = computed(() => {
    const id = this.fullId();
    return id === null ? null : this.stats.stoppedReason(this.host(), id);
  });
  /** The id to ask the server about: a name or ambiguous prefix means nothing to it. */
  protected readonly fullId = computed(() => {
    const c = this.container();
    if (c) return c.container_id;
    return isIdReference(this.id()) && this.choices().length === 0 ? this.id() : null;
  });

  /** Stats only while there is something to measure. */
  private readonly statsWanted = computed(
    () => this.container()?.state === 'running' && this.hostOnline(),
  );

  constructor() {
    // Logs follow the route (and the full id once the fleet names the container).
    effect((onCleanup) => {
      const hostId = this.host();
      const id = this.fullId();
      if (id === null) {
        this.stream.set(null);
        return;
      }
      untracked(() => {
        const stream = this.logs.acquire(hostId, id);
        this.stream.set(stream);
        onCleanup(() => this.logs.release(stream));
      });
    });
    effect((onCleanup) => {
      const hostId = this.host();
      const id = this.fullId();
      if (id === null || !this.statsWanted()) {
        this.samplesSource.set(null);
        return;
      }
      untracked(() => {
        this.samplesSource.set(this.stats.acquire(hostId, id));
        onCleanup(() => this.stats.release(hostId, id));
      });
    });
    inject(DestroyRef).onDestroy(() => this.stream.set(null));
  }

  protected ports(): string[] {
    return (this.container()?.ports ?? []).map((p) =>
      p.public_port
        ? `${p.ip ?? '0.0.0.0'}:${p.public_port} → ${p.private_port}/${p.type}`
        : `${p.private_port}/${p.type}`,
    );
  }
}
