import { DOCUMENT, DestroyRef, Injectable, inject } from '@angular/core';

type Handler = (event: KeyboardEvent) => void;

/** Keys typed into these are text, not shortcuts (Escape excepted). */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Single-key shortcuts (`/` to search, `f` to follow, ...). The most recently registered handler
 * of a key wins, so a page's shortcuts override the shell's while the page is shown.
 */
@Injectable({ providedIn: 'root' })
export class ShortcutService {
  private readonly handlers = new Map<string, Handler[]>();

  constructor() {
    const doc = inject(DOCUMENT);
    const listener = (event: KeyboardEvent): void => this.dispatch(event);
    doc.addEventListener('keydown', listener);
    inject(DestroyRef).onDestroy(() => doc.removeEventListener('keydown', listener));
  }

  /** Registers a handler until `destroyRef` ends (the registering component's life). */
  register(key: string, handler: Handler, destroyRef: DestroyRef): void {
    const list = this.handlers.get(key) ?? [];
    list.push(handler);
    this.handlers.set(key, list);
    destroyRef.onDestroy(() => {
      const current = this.handlers.get(key);
      if (!current) return;
      const i = current.indexOf(handler);
      if (i !== -1) current.splice(i, 1);
    });
  }

  private dispatch(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key !== 'Escape' && isTyping(event.target)) return;
    const list = this.handlers.get(event.key);
    const handler = list?.[list.length - 1];
    if (!handler) return;
    handler(event);
  }
}
