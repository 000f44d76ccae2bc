import { DOCUMENT } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { KEY_VALUE_STORE, type KeyValueStore, WINDOW } from '../browser/browser.tokens';
import { ThemeService } from './theme.service';

function setup(
  saved: string | null,
  systemDark: boolean,
): { theme: ThemeService; store: Map<string, string>; root: HTMLElement } {
  const store = new Map<string, string>(saved ? [['flotilla.theme', saved]] : []);
  const kv: KeyValueStore = {
    get: (k) => store.get(k) ?? null,
    set: (k, v) => void store.set(k, v),
  };
  const fakeWindow = {
    matchMedia: () => ({
      matches: systemDark,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    }),
  } as unknown as Window;
  TestBed.configureTestingModule({
    providers: [
      { provide: KEY_VALUE_STORE, useValue: kv },
      { provide: WINDOW, useValue: fakeWindow },
    ],
  });
  const theme = TestBed.inject(ThemeService);
  TestBed.tick();
  return { theme, store, root: TestBed.inject(DOCUMENT).documentElement };
}

describe('ThemeService', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('follows the system until the user picks', () => {
    const { theme, root } = setup(null, true);
    expect(theme.preference()).toBe('system');
    expect(theme.theme()).toBe('dark');
    expect(root.dataset['theme']).toBe('dark');
  });

  it('cycles system → light → dark and remembers the choice', () => {
    const { theme, store, root } = setup(null, true);
    theme.cycle();
    TestBed.tick();
    expect(theme.theme()).toBe('light');
    expect(root.dataset['theme']).toBe('light');
    expect(store.get('flotilla.theme')).toBe('light');
    theme.cycle();
    expect(theme.theme()).toBe('dark');
    theme.cycle();
    expect(theme.preference()).toBe('system');
  });

  it('starts from the saved choice', () => {
    const { theme } = setup('light', true);
    expect(theme.theme()).toBe('light');
  });
});
