import { DOCUMENT, DestroyRef, Injectable, computed, effect, inject, signal } from '@angular/core';
import { KEY_VALUE_STORE, WINDOW } from '../browser/browser.tokens';

export type ThemePreference = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'flotilla.theme';
const ORDER: readonly ThemePreference[] = ['system', 'light', 'dark'];

/**
 * Light and dark themes. Follows `prefers-color-scheme` until the user picks one; the choice
 * is kept in local storage. The theme is a `data-theme` attribute on `<html>`; the stylesheet
 * does the rest (and follows the system by itself before the app starts, with no inline script).
 */
@Injectable({ providedIn: 'root' })
export class ThemeService {
  private readonly doc = inject(DOCUMENT);
  private readonly store = inject(KEY_VALUE_STORE);
  private readonly systemDark = signal(false);
  private readonly pref = signal<ThemePreference>(this.readPreference());

  readonly preference = this.pref.asReadonly();
  readonly theme = computed<Theme>(() => {
    const pref = this.pref();
    if (pref !== 'system') return pref;
    return this.systemDark() ? 'dark' : 'light';
  });

  constructor() {
    const win = inject(WINDOW);
    const query =
      typeof win.matchMedia === 'function' ? win.matchMedia('(prefers-color-scheme: dark)') : null;
    if (query) {
      this.systemDark.set(query.matches);
      const listener = (event: MediaQueryListEvent): void => this.systemDark.set(event.matches);
      query.addEventListener('change', listener);
      inject(DestroyRef).onDestroy(() => query.removeEventListener('change', listener));
    }
    effect(() => {
      const root = this.doc.documentElement;
      root.dataset['theme'] = this.theme();
      root.dataset['themePreference'] = this.pref();
    });
  }

  setPreference(pref: ThemePreference): void {
    this.pref.set(pref);
    this.store.set(STORAGE_KEY, pref);
  }

  /** system → light → dark → system. */
  cycle(): void {
    const next = ORDER[(ORDER.indexOf(this.pref()) + 1) % ORDER.length] ?? 'system';
    this.setPreference(next);
  }

  private readPreference(): ThemePreference {
    const saved = this.store.get(STORAGE_KEY);
    return saved === 'light' || saved === 'dark' || saved === 'system' ? saved : 'system';
  }
}
