import { ChangeDetectionStrategy, Component, computed, inject, input, output } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { StatsSample } from '@flotilla/contracts/core';
import { ContainerActionButtonsComponent } from './container-action-buttons.component';
import { type FleetContainerRow, containerLabel, projectOf } from './fleet-query';
import { FleetStore } from './fleet.store';
import { StatsSubscriptionService } from '../stats/stats-subscription.service';
import { SparklineComponent } from '../stats/sparkline.component';
import { memoryAxisTop } from '../stats/chart-geometry';
import { memoryText } from '../stats/memory';
import { ClockService } from '../shared/clock.service';
import { NarrowScreenService } from '../shared/narrow-screen.service';
import { StateBadgeComponent } from '../shared/state-badge.component';
import { PresenceService } from '../presence/presence.service';
import { EyeIconComponent } from '../presence/eye-icon.component';
import { CrashLoopBadgeComponent } from '../exits/crash-loop-badge.component';
import { CrashLoopService } from '../exits/crash-loop.service';
import { containerStatus, exitKind, formatBytes, formatPercent, shortId } from '../shared/format';

/** One container in the fleet list. */
@Component({
  selector: 'flo-fleet-row',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterLink,
    StateBadgeComponent,
    SparklineComponent,
    ContainerActionButtonsComponent,
    EyeIconComponent,
    CrashLoopBadgeComponent,
  ],
  host: {
    class: 'fleet-row',
    'data-testid': 'container-row',
    '[class.fleet-row--offline]': 'row().offline',
    '[class.fleet-row--selected]': 'selected()',
    '[attr.data-container-id]': 'c().container_id',
    '[attr.data-host]': 'c().host_id',
    '[attr.data-name]': 'name()',
    '[attr.data-state]': 'c().state',
    '[attr.data-offline]': 'row().offline',
    '[attr.data-crash-loop]': 'loop() !== null',
  },
  template: `
    <span class="fleet-row__cell fleet-row__select" role="gridcell">
      <input
        type="checkbox"
        tabindex="-1"
        [checked]="selected()"
        [attr.aria-label]="'Select ' + name()"
        data-testid="container-select"
        (change)="toggleSelect.emit()"
      />
    </span>
    <span class="fleet-row__cell fleet-row__state" role="gridcell">
      <flo-state-badge
        [state]="c().state"
        [health]="c().health"
        [exit]="exit()"
        [exitCode]="c().exit_code"
        [stale]="row().offline"
      />
      @if (loop(); as l) {
        <flo-crash-loop-badge [loop]="l.crash_loop" />
      }
    </span>
    <span class="fleet-row__cell fleet-row__name" role="gridcell">
      <a
        tabindex="-1"
        [routerLink]="['/containers', c().host_id, c().container_id]"
        data-testid="container-name"
        [title]="name() + ' · ' + id()"
        >{{ name() }}</a
      >
      @if (watchers() > 0) {
        <span
          class="fleet-row__watchers"
          data-testid="watchers"
          role="img"
          [attr.aria-label]="watchersLabel()"
          [title]="watchersLabel()"
          ><flo-eye-icon /><span aria-hidden="true">{{ watchers() }}</span></span
        >
      }
    </span>
    <span
      class="fleet-row__cell fleet-row__project"
      role="gridcell"
      data-testid="container-project"
      [title]="project()"
      >{{ project() }}</span
    >
    <span class="fleet-row__cell fleet-row__image" role="gridcell" [title]="c().image">{{
      c().image
    }}</span>
    <span
      class="fleet-row__cell fleet-row__status"
      role="gridcell"
      data-testid="container-status"
      [title]="status()"
      >{{ status() }}</span
    >
    <span class="fleet-row__cell fleet-row__stats" role="gridcell">
      @if (latest(); as s) {
        <flo-sparkline
          kind="cpu"
          label="CPU"
          [values]="cpu()"
          [max]="100"
          [text]="pct(s.cpu_percent)"
          [staleAt]="staleSince()"
          data-testid="sparkline-cpu"
        />
        <flo-sparkline
          kind="mem"
          label="Memory"
          [values]="mem()"
          [max]="memTop()"
          [text]="bytes(s.memory_usage)"
          [detail]="'Memory: ' + memText(s)"
          [staleAt]="staleSince()"
          data-testid="sparkline-mem"
        />
      }
    </span>
    <span class="fleet-row__cell fleet-row__actions" role="gridcell">
      <flo-container-action-buttons
        [container]="c()"
        [disabled]="row().offline"
        [compact]="true"
        [label]="name()"
        [layout]="narrow() ? 'menu' : 'inline'"
      >
        <a
          class="button button--ghost"
          [class.button--small]="!narrow()"
          [class.action-menu__item]="narrow()"
          [attr.tabindex]="narrow() ? null : -1"
          [routerLink]="['/logs', c().host_id, c().container_id]"
          data-testid="container-logs-link"
          [attr.aria-label]="'Logs of ' + name()"
          >Logs</a
        >
      </flo-container-action-buttons>
    </span>
  `,
})
export class FleetRowComponent {
  readonly row = input.required<FleetContainerRow>();
  readonly selected = input(false);
  readonly toggleSelect = output<void>();

  private readonly stats = inject(StatsSubscriptionService);
  private readonly clock = inject(ClockService);
  /** Sparklines are not live from the connection's loss until the fresh fleet arrives. */
  protected readonly staleSince = inject(FleetStore).staleSince;
  protected readonly narrow = inject(NarrowScreenService).narrow;
  private readonly presence = inject(PresenceService);
  private readonly crashLoops = inject(CrashLoopService);

  protected readonly c = computed(() => this.row().container);
  protected readonly name = computed(() => containerLabel(this.c()));
  protected readonly id = computed(() => shortId(this.c().container_id));
  protected readonly project = computed(() => projectOf(this.c()));
  protected readonly watchers = computed(() =>
    this.presence.countOf(this.c().host_id, this.c().container_id),
  );
  protected readonly loop = computed(() =>
    this.crashLoops.stateOf(this.c().host_id, this.c().container_id),
  );
  protected readonly watchersLabel = computed(() =>
    this.watchers() === 1 ? '1 person looking at it' : `${this.watchers()} people looking at it`,
  );
  /** Rewritten every second from the container's times, as `docker ps` would show it now. */
  protected readonly status = computed(() => containerStatus(this.c(), this.clock.now()));
  protected readonly exit = computed(() => exitKind(this.c()));
  private readonly samples = computed(() =>
    this.c().state === 'running' && !this.row().offline
      ? this.stats.samplesOf(this.c().host_id, this.c().container_id)
      : [],
  );
  protected readonly latest = computed(() => this.samples()[this.samples().length - 1] ?? null);
  protected readonly cpu = computed(() => this.samples().map((s) => s.cpu_percent));
  protected readonly mem = computed(() => this.samples().map((s) => s.memory_usage));
  protected readonly memTop = computed(() => {
    const last = this.latest();
    return memoryAxisTop(this.mem(), last?.memory_limit ?? 0, last?.memory_limited === true);
  });

  protected pct(v: number): string {
    return formatPercent(v);
  }

  protected memText(s: StatsSample): string {
    return memoryText(s);
  }

  protected bytes(v: number): string {
    return formatBytes(v);
  }
}
