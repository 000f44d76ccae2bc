import { TestBed } from '@angular/core/testing';
import { ConfirmDialogComponent } from './confirm-dialog.component';
import { ConfirmService } from './confirm.service';

describe('ConfirmDialogComponent', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('puts focus on Cancel, the safe answer, when it opens', async () => {
    const fixture = TestBed.createComponent(ConfirmDialogComponent);
    document.body.appendChild(fixture.nativeElement as HTMLElement);
    const confirm = TestBed.inject(ConfirmService);
    await fixture.whenStable();
    const answer = confirm.ask({
      title: 'Stop web-1?',
      message: 'Stop container web-1 on host h1.',
      confirmLabel: 'Stop',
      danger: true,
    });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(document.activeElement).toBe(el.querySelector('[data-testid=confirm-cancel]'));
    (document.activeElement as HTMLButtonElement).click();
    await expect(answer).resolves.toBe(false);
    fixture.destroy();
  });
});
