import { DestroyRef, type ElementRef, afterNextRender, effect, inject } from '@angular/core';

/** How a modal is driven: by its owner's state, which alone says what closing means. */
export interface ModalOptions {
  dialog: () => ElementRef<HTMLDialogElement>;
  isOpen: () => boolean;
  /** Escape, a click on the backdrop, or the browser closing it on its own. */
  dismiss: () => void;
  /** Right after it opened (to put focus somewhere other than the `autofocus` element). */
  opened?: () => void;
}

/**
 * Every modal of the dashboard: a native `<dialog>` opened with `showModal` (focus trapped, page
 * inert) while `isOpen()`, dismissed by Escape or a click on the backdrop. Call in an injection
 * context (a component's constructor).
 */
export function bindModal({ dialog, isOpen, dismiss, opened }: ModalOptions): void {
  effect(() => {
    const el = dialog().nativeElement;
    const open = isOpen();
    if (open && !el.open) {
      // jsdom has no showModal: the attribute shows it all the same.
      if (typeof el.showModal === 'function') el.showModal();
      else el.setAttribute('open', '');
      opened?.();
    } else if (!open && el.open) {
      if (typeof el.close === 'function') el.close();
      else el.removeAttribute('open');
    }
  });

  const destroyRef = inject(DestroyRef);
  afterNextRender(() => {
    const el = dialog().nativeElement;
    const onCancel = (event: Event): void => {
      // The owner closes it, through its state.
      event.preventDefault();
      dismiss();
    };
    // A browser may close it without a cancellable `cancel` (Escape pressed twice): follow.
    const onClose = (): void => {
      if (isOpen()) dismiss();
    };
    // The backdrop belongs to the dialog element: a click on it lands outside the dialog's box.
    const onClick = (event: MouseEvent): void => {
      if (event.target !== el) return;
      const box = el.getBoundingClientRect();
      const inside =
        event.clientX >= box.left &&
        event.clientX <= box.right &&
        event.clientY >= box.top &&
        event.clientY <= box.bottom;
      if (!inside) dismiss();
    };
    el.addEventListener('cancel', onCancel);
    el.addEventListener('close', onClose);
    el.addEventListener('click', onClick);
    destroyRef.onDestroy(() => {
      el.removeEventListener('cancel', onCancel);
      el.removeEventListener('close', onClose);
      el.removeEventListener('click', onClick);
    });
  });
}
