import {
  DOCUMENT,
  DestroyRef,
  Injectable,
  type Signal,
  computed,
  inject,
  signal,
} from '@angular/core';

type Handler = (event: KeyboardEvent) => void;

/** One line of the shortcuts overlay. */
export interface ShortcutEntry {
  /** The keys as a person presses them (`/`, `?`, `↑ ↓`...). */
  keys: string;
  description: string;
}

interface Registered extends ShortcutEntry {
  handler: Handler | null;
}

/** Keys typed into these are text, not shortcuts (Escape excepted). */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Single-key shortcuts (`/` to search, `f` to follow, ...) and their descriptions: the one list
 * the `?` overlay shows. The most recently registered handler of a key wins, so a page's shortcuts
 * override the shell's while the page is shown.
 */
@Injectable({ providedIn: 'root' })
export class ShortcutService {
  private readonly handlers = new Map<string, Registered[]>();
  /** Keys a focused widget handles itself (a list's arrows), described for the overlay. */
  private readonly described = signal<readonly Registered[]>([]);
  private readonly version = signal(0);

  /** What each key does now: for a key registered twice, the winning registration. */
  readonly entries: Signal<readonly ShortcutEntry[]> = computed(() => {
    this.version();
    const out: ShortcutEntry[] = [];
    for (const list of this.handlers.values()) {
      const top = list[list.length - 1];
      if (top) out.push({ keys: top.keys, description: top.description });
    }
    for (const d of this.described()) out.push({ keys: d.keys, description: d.description });
    return out;
  });

  constructor() {
    const doc = inject(DOCUMENT);
    const listener = (event: KeyboardEvent): void => this.dispatch(event);
    doc.addEventListener('keydown', listener);
    inject(DestroyRef).onDestroy(() => doc.removeEventListener('keydown', listener));
  }

  /** Registers a handler until `destroyRef` ends (the registering component's life). */
  register(key: string, handler: Handler, destroyRef: DestroyRef, description: string): void {
    const entry: Registered = { keys: key, description, handler };
    const list = this.handlers.get(key) ?? [];
    list.push(entry);
    this.handlers.set(key, list);
    this.version.update((v) => v + 1);
    destroyRef.onDestroy(() => {
      const current = this.handlers.get(key);
      if (!current) return;
      const i = current.indexOf(entry);
      if (i !== -1) current.splice(i, 1);
      if (current.length === 0) this.handlers.delete(key);
      this.version.update((v) => v + 1);
    });
  }

  /**
   * Describes keys that a focused element handles itself (not dispatched here), so the overlay
   * lists them too, until `destroyRef` ends.
   */
  describe(keys: string, description: string, destroyRef: DestroyRef): void {
    const entry: Registered = { keys, description, handler: null };
    this.described.update((list) => [...list, entry]);
    destroyRef.onDestroy(() => this.described.update((list) => list.filter((e) => e !== entry)));
  }

  private dispatch(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key !== 'Escape' && isTyping(event.target)) return;
    const list = this.handlers.get(event.key);
    const handler = list?.[list.length - 1]?.handler;
    if (!handler) return;
    handler(event);
  }
}
