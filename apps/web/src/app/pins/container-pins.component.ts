import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { Pin } from '@flotilla/contracts/core';
import { formatLogTimestamp } from '../shared/format';
import { PinsService } from './pins.service';

/**
 * A container's pinned lines, oldest line first: when the line was written, who pinned it, the
 * note and the line, each linking to the line in the log viewer. Notes and lines are text
 * bindings only: a note holding markup shows its characters.
 */
@Component({
  selector: 'flo-container-pins',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  host: { class: 'pins', 'data-testid': 'container-pins' },
  template: `
    <h2 class="section-title">Pinned lines</h2>
    @if (pins().length === 0) {
      <p class="muted" data-testid="container-pins-empty">No line pinned.</p>
    } @else {
      <ol class="pins__list">
        @for (p of pins(); track p.id) {
          <li class="pin-card" data-testid="pin-card" [attr.data-pin-id]="p.id">
            <a
              class="pin-card__time"
              data-testid="pin-link"
              [routerLink]="['/logs', p.host_id, p.container_id]"
              [queryParams]="{ at: p.ts }"
              [title]="p.ts"
              >{{ time(p.ts) }}</a
            >
            <span class="pin-card__user" data-testid="pin-user">{{ p.user }}</span>
            <span class="pin-card__note" data-testid="pin-note">{{ p.note }}</span>
            <code class="pin-card__line" data-testid="pin-line">{{ p.line }}</code>
            @if (canPin()) {
              <button
                type="button"
                class="button button--small button--ghost pin-card__remove"
                data-testid="pin-remove"
                [attr.aria-label]="'Unpin the line pinned by ' + p.user"
                (click)="unpin(p)"
              >
                Unpin
              </button>
            }
          </li>
        }
      </ol>
    }
  `,
})
export class ContainerPinsComponent {
  readonly host = input.required<string>();
  /** The container's full id. */
  readonly containerId = input.required<string>();

  private readonly service = inject(PinsService);
  protected readonly canPin = this.service.canPin;
  protected readonly pins = computed(() => this.service.pinsOf(this.host(), this.containerId())());

  protected time(ts: string): string {
    return formatLogTimestamp(ts);
  }

  protected unpin(pin: Pin): void {
    void this.service.unpin(pin).catch(() => undefined);
  }
}
