import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { ConfirmDialogComponent } from './confirm-dialog.component';
import { ConfirmService } from './confirm.service';

describe('ConfirmDialogComponent', () => {
  let fixture: ComponentFixture<ConfirmDialogComponent>;
  let confirm: ConfirmService;
  let el: HTMLElement;

  const dialog = (): HTMLDialogElement => {
    const d = el.querySelector<HTMLDialogElement>('[data-testid=confirm-dialog]');
    if (!d) throw new Error('no dialog');
    return d;
  };

  /** Opens the dialog; the answer is wrapped, or awaiting the opening would await it too. */
  const ask = async (): Promise<{ answer: Promise<boolean> }> => {
    const answer = confirm.ask({
      title: 'Stop web-1?',
      message: 'Stop container web-1 on host h1.',
      confirmLabel: 'Stop',
      danger: true,
    });
    await fixture.whenStable();
    return { answer };
  };

  beforeEach(async () => {
    fixture = TestBed.createComponent(ConfirmDialogComponent);
    el = fixture.nativeElement as HTMLElement;
    document.body.appendChild(el);
    confirm = TestBed.inject(ConfirmService);
    await fixture.whenStable();
  });

  afterEach(() => {
    fixture.destroy();
    el.remove();
    TestBed.resetTestingModule();
  });

  it('puts focus on Cancel, the safe answer, when it opens', async () => {
    const { answer } = await ask();
    expect(dialog().open).toBe(true);
    expect(document.activeElement).toBe(el.querySelector('[data-testid=confirm-cancel]'));
    (document.activeElement as HTMLButtonElement).click();
    await expect(answer).resolves.toBe(false);
    await fixture.whenStable();
    expect(dialog().open).toBe(false);
  });

  it('answers Cancel to Escape', async () => {
    const { answer } = await ask();
    const escape = new Event('cancel', { cancelable: true });
    dialog().dispatchEvent(escape);
    await expect(answer).resolves.toBe(false);
    expect(escape.defaultPrevented).toBe(true);
    await fixture.whenStable();
    expect(dialog().open).toBe(false);
  });

  it('answers Cancel to a click on the backdrop, not to one inside the dialog', async () => {
    const { answer } = await ask();
    let settled = false;
    void answer.then(() => (settled = true));
    jest.spyOn(dialog(), 'getBoundingClientRect').mockReturnValue(new DOMRect(100, 100, 300, 200));
    dialog().dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 150, clientY: 150 }));
    await Promise.resolve();
    expect(settled).toBe(false);
    dialog().dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 20, clientY: 20 }));
    await expect(answer).resolves.toBe(false);
  });
});
