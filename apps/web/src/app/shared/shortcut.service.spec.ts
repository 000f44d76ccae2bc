import { DOCUMENT, DestroyRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { ShortcutService } from './shortcut.service';

class Life implements Pick<DestroyRef, 'onDestroy'> {
  private readonly callbacks: (() => void)[] = [];
  onDestroy(callback: () => void): () => void {
    this.callbacks.push(callback);
    return () => undefined;
  }
  end(): void {
    this.callbacks.forEach((c) => c());
  }
}

describe('ShortcutService', () => {
  let service: ShortcutService;
  let doc: Document;

  beforeEach(() => {
    service = TestBed.inject(ShortcutService);
    doc = TestBed.inject(DOCUMENT);
  });

  afterEach(() => TestBed.resetTestingModule());

  const press = (key: string, target: EventTarget = doc.body): void => {
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  };

  it('runs the latest handler of a key, and the earlier one once that ends', () => {
    const calls: string[] = [];
    const shell = new Life();
    const page = new Life();
    service.register('/', () => calls.push('shell'), shell as unknown as DestroyRef, 'Search');
    service.register('/', () => calls.push('page'), page as unknown as DestroyRef, 'Filter');
    press('/');
    page.end();
    press('/');
    expect(calls).toEqual(['page', 'shell']);
  });

  it('ignores keys typed into fields', () => {
    const handler = jest.fn();
    service.register('f', handler, new Life() as unknown as DestroyRef, 'Follow');
    const input = doc.createElement('input');
    doc.body.appendChild(input);
    press('f', input);
    expect(handler).not.toHaveBeenCalled();
    press('f');
    expect(handler).toHaveBeenCalledTimes(1);
    input.remove();
  });

  it('lists what each key does now, described keys included, for the ? overlay', () => {
    const shell = new Life();
    const page = new Life();
    service.register('/', () => undefined, shell as unknown as DestroyRef, 'Search');
    service.register('g', () => undefined, shell as unknown as DestroyRef, 'Go to the fleet');
    service.register('/', () => undefined, page as unknown as DestroyRef, 'Filter the logs');
    service.describe('↑ ↓', 'Move through the list', page as unknown as DestroyRef);
    expect(service.entries()).toEqual([
      { keys: '/', description: 'Filter the logs' },
      { keys: 'g', description: 'Go to the fleet' },
      { keys: '↑ ↓', description: 'Move through the list' },
    ]);
    page.end();
    expect(service.entries()).toEqual([
      { keys: '/', description: 'Search' },
      { keys: 'g', description: 'Go to the fleet' },
    ]);
  });
});
