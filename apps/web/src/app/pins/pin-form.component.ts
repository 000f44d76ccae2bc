import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  afterNextRender,
  input,
  viewChild,
} from '@angular/core';
import { PIN_LIMITS } from '@flotilla/contracts/core';
import type { LinePins } from './line-pins';

/** The short note asked for when a line is pinned: Enter pins, Escape cancels. */
@Component({
  selector: 'flo-pin-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'pin-form', role: 'form', 'aria-label': 'Pin a line', 'data-testid': 'pin-form' },
  template: `
    <span class="pin-form__line" [title]="line()">⚑ {{ line() }}</span>
    <input
      #noteBox
      class="input pin-form__note"
      type="text"
      aria-label="Note"
      placeholder="Note (why this line matters)"
      data-testid="pin-note-input"
      [attr.maxlength]="maxNote"
      [value]="pins().note()"
      (input)="pins().note.set(noteBox.value)"
      (keydown.enter)="save()"
      (keydown.escape)="pins().cancel()"
    />
    <button
      type="button"
      class="button button--primary button--small"
      data-testid="pin-save"
      [disabled]="pins().saving()"
      (click)="save()"
    >
      Pin
    </button>
    <button type="button" class="button button--small" (click)="pins().cancel()">Cancel</button>
    @if (pins().error(); as error) {
      <span class="pin-form__error" role="alert" data-testid="pin-error">{{ error }}</span>
    }
  `,
})
export class PinFormComponent {
  readonly pins = input.required<LinePins>();
  protected readonly maxNote = PIN_LIMITS.noteChars;
  private readonly noteBox = viewChild.required<ElementRef<HTMLInputElement>>('noteBox');

  constructor() {
    afterNextRender(() => this.noteBox().nativeElement.focus());
  }

  protected line(): string {
    return this.pins().pinning()?.line.plain ?? '';
  }

  protected save(): void {
    void this.pins().save();
  }
}
