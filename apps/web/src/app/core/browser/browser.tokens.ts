import { DOCUMENT, InjectionToken, inject } from '@angular/core';

/** Browser APIs behind tokens, so specs can replace them. */
export const WINDOW = new InjectionToken<Window>('WINDOW', {
  providedIn: 'root',
  factory: () => {
    const view = inject(DOCUMENT).defaultView;
    if (!view) throw new Error('Flotilla needs a browser window');
    return view;
  },
});

/** A key-value store that never throws (private modes and quotas make localStorage throw). */
export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

export const KEY_VALUE_STORE = new InjectionToken<KeyValueStore>('KEY_VALUE_STORE', {
  providedIn: 'root',
  factory: () => {
    const win = inject(WINDOW);
    return {
      get: (key) => {
        try {
          return win.localStorage.getItem(key);
        } catch {
          return null;
        }
      },
      set: (key, value) => {
        try {
          win.localStorage.setItem(key, value);
        } catch {
          // Preferences are a convenience; losing one is not an error worth showing.
        }
      },
    };
  },
});

/** Saves a text file the user asked for. */
export type FileSaver = (fileName: string, text: string, mimeType?: string) => void;

export const FILE_SAVER = new InjectionToken<FileSaver>('FILE_SAVER', {
  providedIn: 'root',
  factory: () => {
    const doc = inject(DOCUMENT);
    const win = inject(WINDOW);
    return (fileName, text, mimeType = 'text/plain') => {
      const url = URL.createObjectURL(new Blob([text], { type: `${mimeType};charset=utf-8` }));
      const link = doc.createElement('a');
      link.href = url;
      link.download = fileName;
      link.rel = 'noopener';
      doc.body.appendChild(link);
      link.click();
      link.remove();
      win.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    };
  },
});
