import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  computed,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { NgTemplateOutlet } from '@angular/common';
import type { Container } from '@flotilla/contracts/core';
import {
  ContainerActionsService,
  type UserAction,
  actionProgress,
  actionTitle,
} from './container-actions.service';

let nextMenuId = 0;

/**
 * The actions a container offers in its state to this user's role (or the one in progress), for
 * the fleet row and the container page alike. They are disabled while the gateway is out of
 * reach. `compact` is the row's size; `label` names the container for screen readers where the
 * button text alone would be ambiguous (a list of rows).
 *
 * `layout="menu"` puts them behind one "Actions" button (a disclosure opening a popover, which
 * the browser keeps in the top layer, closes on Escape or a click elsewhere), for narrow screens.
 * Content projected into the component (the row's Logs link) follows the actions in either
 * layout. Pending, the action's progress shows instead of the buttons, as in the inline layout.
 */
@Component({
  selector: 'flo-container-action-buttons',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [NgTemplateOutlet],
  host: {
    class: 'action-buttons',
    '[class.action-buttons--menu]': 'layout() === "menu"',
  },
  template: `
    <!-- Pending, the action's progress shows instead of the buttons, in either layout. -->
    @if (pending(); as action) {
      <span class="pending" data-testid="action-pending" [attr.data-action]="action" role="status">
        <span class="spinner" aria-hidden="true"></span>{{ progress(action) }}
      </span>
    }
    @if (layout() === 'inline') {
      <ng-container [ngTemplateOutlet]="buttons" [ngTemplateOutletContext]="{ menu: false }" />
    } @else {
      <button
        #toggle
        type="button"
        class="button button--small action-buttons__toggle"
        data-testid="container-actions-menu"
        [attr.popovertarget]="menuId"
        [attr.aria-controls]="menuId"
        [attr.aria-expanded]="open()"
        [attr.aria-label]="label() ? 'Actions for ' + label() : 'Actions'"
      >
        ⋯
      </button>
      <div
        #menu
        popover
        class="action-menu"
        data-testid="container-actions-menu-list"
        [id]="menuId"
        (toggle)="onToggle($event)"
      >
        <ng-container [ngTemplateOutlet]="buttons" [ngTemplateOutletContext]="{ menu: true }" />
      </div>
    }
    <!-- The buttons of either layout: in the menu they are its items, named by the menu's button. -->
    <ng-template #buttons let-menu="menu">
      @if (!pending()) {
        @for (action of available(); track action) {
          <button
            type="button"
            class="button"
            [class.action-menu__item]="menu"
            [class.button--small]="!menu && compact()"
            [class.button--danger-quiet]="action === 'stop' || action === 'restart'"
            [attr.tabindex]="!menu && compact() ? -1 : null"
            [disabled]="!enabled()"
            [attr.title]="enabled() ? null : disabledReason()"
            [attr.data-testid]="'container-action-' + action"
            [attr.aria-label]="!menu && label() ? title(action) + ' ' + label() : null"
            (click)="run(action)"
          >
            {{ title(action) }}
          </button>
        }
      }
      <ng-container [ngTemplateOutlet]="extra" />
    </ng-template>
    <!-- One projection slot, shown by whichever layout is on. -->
    <ng-template #extra><ng-content /></ng-template>
  `,
})
export class ContainerActionButtonsComponent {
  readonly container = input.required<Container>();
  readonly disabled = input(false);
  readonly compact = input(false);
  readonly label = input<string | null>(null);
  readonly layout = input<'inline' | 'menu'>('inline');

  private readonly actions = inject(ContainerActionsService);
  private readonly toggle = viewChild<ElementRef<HTMLButtonElement>>('toggle');
  private readonly menu = viewChild<ElementRef<HTMLElement>>('menu');

  protected readonly menuId = `flo-actions-menu-${nextMenuId++}`;
  protected readonly open = signal(false);
  protected readonly available = computed(() => this.actions.available(this.container()));
  protected readonly enabled = computed(() => !this.disabled() && this.actions.connected());
  protected readonly disabledReason = computed(() =>
    this.actions.connected() ? 'The host is offline' : 'Not connected to Flotilla',
  );
  protected readonly pending = computed(() =>
    this.actions.pendingAction(this.container().host_id, this.container().container_id),
  );

  protected run(action: UserAction): void {
    this.menu()?.nativeElement.hidePopover?.();
    void this.actions.run(this.container(), action);
  }

  /** Opens the menu under its button, right-aligned, inside the viewport. */
  protected onToggle(event: Event): void {
    const opening = (event as ToggleEvent).newState === 'open';
    this.open.set(opening);
    const button = this.toggle()?.nativeElement;
    const menu = this.menu()?.nativeElement;
    if (!opening || !button || !menu) return;
    const box = button.getBoundingClientRect();
    const view = button.ownerDocument.documentElement;
    menu.style.top = `${Math.round(box.bottom + 4)}px`;
    menu.style.right = `${Math.max(4, Math.round(view.clientWidth - box.right))}px`;
    menu.querySelector<HTMLElement>('button:not([disabled]), a')?.focus();
  }

  protected title(action: UserAction): string {
    return actionTitle(action);
  }

  protected progress(action: UserAction): string {
    return actionProgress(action);
  }
}
