import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { bindModal } from './modal';
import { ShortcutService } from './shortcut.service';

/** `?`: every shortcut in effect on this page, read from the ShortcutService registry. */
@Component({
  selector: 'flo-shortcuts-overlay',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styles: `
    .shortcuts {
      padding: 18px 20px 16px;
    }
    .shortcuts__list {
      display: grid;
      margin-top: 12px;
      grid-template-columns: max-content 1fr;
      gap: 6px 14px;
      margin-bottom: 14px;
    }
    .shortcuts__list dt {
      text-align: right;
    }
    .shortcuts__list dd {
      margin: 0;
      color: var(--fg);
    }
  `,
  template: `
    <dialog
      #dialog
      class="confirm shortcuts"
      data-testid="shortcuts-overlay"
      aria-labelledby="shortcuts-title"
    >
      @if (open()) {
        <h2 id="shortcuts-title" class="confirm__title">Keyboard shortcuts</h2>
        <dl class="shortcuts__list">
          @for (e of shortcuts.entries(); track e.keys) {
            <dt data-testid="shortcut-keys">
              <kbd>{{ e.keys }}</kbd>
            </dt>
            <dd data-testid="shortcut-description">{{ e.description }}</dd>
          }
        </dl>
        <div class="confirm__actions">
          <button
            type="button"
            class="button"
            data-testid="shortcuts-close"
            autofocus
            (click)="open.set(false)"
          >
            Close
          </button>
        </div>
      }
    </dialog>
  `,
})
export class ShortcutsOverlayComponent {
  protected readonly shortcuts = inject(ShortcutService);
  protected readonly open = signal(false);
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');

  constructor() {
    this.shortcuts.register(
      '?',
      (event) => {
        event.preventDefault();
        this.open.update((o) => !o);
      },
      inject(DestroyRef),
      'Show or hide this list',
    );
    bindModal({ dialog: this.dialog, isOpen: this.open, dismiss: () => this.open.set(false) });
  }
}
