import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import type { Container } from '@flotilla/contracts/core';
import {
  ContainerActionsService,
  type UserAction,
  actionProgress,
  actionTitle,
  actionsFor,
} from './container-actions.service';

/**
 * The actions a container offers in its state (or the one in progress), for the fleet row and
 * the container page alike. `compact` is the row's size; `label` names the container for
 * screen readers where the button text alone would be ambiguous (a list of rows).
 */
@Component({
  selector: 'flo-container-action-buttons',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'action-buttons' },
  template: `
    @if (pending(); as action) {
      <span class="pending" data-testid="action-pending" [attr.data-action]="action" role="status">
        <span class="spinner" aria-hidden="true"></span>{{ progress(action) }}
      </span>
    } @else {
      @for (action of available(); track action) {
        <button
          type="button"
          class="button"
          [attr.tabindex]="compact() ? -1 : null"
          [class.button--small]="compact()"
          [class.button--danger-quiet]="action !== 'start'"
          [disabled]="disabled()"
          [attr.data-testid]="'container-action-' + action"
          [attr.aria-label]="label() ? title(action) + ' ' + label() : null"
          (click)="run(action)"
        >
          {{ title(action) }}
        </button>
      }
    }
  `,
})
export class ContainerActionButtonsComponent {
  readonly container = input.required<Container>();
  readonly disabled = input(false);
  readonly compact = input(false);
  readonly label = input<string | null>(null);

  private readonly actions = inject(ContainerActionsService);

  protected readonly available = computed(() => actionsFor(this.container()));
  protected readonly pending = computed(() =>
    this.actions.pendingAction(this.container().host_id, this.container().container_id),
  );

  protected run(action: UserAction): void {
    void this.actions.run(this.container(), action);
  }

  protected title(action: UserAction): string {
    return actionTitle(action);
  }

  protected progress(action: UserAction): string {
    return actionProgress(action);
  }
}
