import { TestBed } from '@angular/core/testing';
import { ShortcutsOverlayComponent } from './shortcuts-overlay.component';

describe('ShortcutsOverlayComponent', () => {
  afterEach(() => TestBed.resetTestingModule());

  it("opens on '?', and closes on Escape and on a click on the backdrop", async () => {
    const fixture = TestBed.createComponent(ShortcutsOverlayComponent);
    const el = fixture.nativeElement as HTMLElement;
    document.body.appendChild(el);
    await fixture.whenStable();
    const dialog = el.querySelector<HTMLDialogElement>('[data-testid=shortcuts-overlay]');
    if (!dialog) throw new Error('no overlay');
    const press = async (): Promise<void> => {
      document.dispatchEvent(new KeyboardEvent('keydown', { key: '?', bubbles: true }));
      await fixture.whenStable();
    };

    await press();
    expect(dialog.open).toBe(true);
    expect(el.querySelector('[data-testid=shortcut-keys]')?.textContent).toContain('?');
    const escape = new Event('cancel', { cancelable: true });
    dialog.dispatchEvent(escape);
    await fixture.whenStable();
    expect(escape.defaultPrevented).toBe(true);
    expect(dialog.open).toBe(false);

    await press();
    expect(dialog.open).toBe(true);
    jest.spyOn(dialog, 'getBoundingClientRect').mockReturnValue(new DOMRect(100, 100, 300, 200));
    dialog.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 20, clientY: 20 }));
    await fixture.whenStable();
    expect(dialog.open).toBe(false);

    fixture.destroy();
    el.remove();
  });
});
