import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  Injector,
  afterNextRender,
  inject,
  viewChild,
} from '@angular/core';
import { ConfirmService } from './confirm.service';
import { bindModal } from './modal';

/**
 * The modal behind `ConfirmService`; Escape and the backdrop answer Cancel. Focus starts on
 * Cancel: Enter or Space pressed by habit must not stop a production container.
 */
@Component({
  selector: 'flo-confirm-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <dialog #dialog class="confirm" data-testid="confirm-dialog" aria-labelledby="confirm-title">
      @if (confirm.request(); as req) {
        <form
          method="dialog"
          class="confirm__form"
          (submit)="$event.preventDefault(); confirm.answer(true)"
        >
          <h2 id="confirm-title" class="confirm__title">{{ req.title }}</h2>
          <p class="confirm__message">{{ req.message }}</p>
          <div class="confirm__actions">
            <button
              #cancel
              type="button"
              class="button"
              data-testid="confirm-cancel"
              autofocus
              (click)="confirm.answer(false)"
            >
              Cancel
            </button>
            <button
              type="submit"
              class="button"
              [class.button--danger]="req.danger"
              [class.button--primary]="!req.danger"
              data-testid="confirm-accept"
            >
              {{ req.confirmLabel }}
            </button>
          </div>
        </form>
      }
    </dialog>
  `,
})
export class ConfirmDialogComponent {
  protected readonly confirm = inject(ConfirmService);
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private readonly cancel = viewChild<ElementRef<HTMLButtonElement>>('cancel');
  private readonly injector = inject(Injector);

  constructor() {
    bindModal({
      dialog: this.dialog,
      isOpen: () => this.confirm.request() !== null,
      dismiss: () => this.confirm.answer(false),
      // The buttons render with the request; focus Cancel once they are there.
      opened: () =>
        afterNextRender(() => this.cancel()?.nativeElement.focus(), { injector: this.injector }),
    });
  }
}
