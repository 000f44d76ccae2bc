import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
} from '@angular/core';
import type { PresenceTarget } from '@flotilla/contracts/core';
import { EyeIconComponent } from './eye-icon.component';
import { PresenceService, othersText } from './presence.service';

/**
 * "Also here: alice, bob": who else looks at the page's container or stack right now. Mounting
 * it tells the gateway what the page shows; leaving the page takes the viewer off it.
 */
@Component({
  selector: 'flo-also-here',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [EyeIconComponent],
  host: { class: 'also-here', 'data-testid': 'also-here', '[attr.data-others]': 'text() ?? ""' },
  template: `
    @if (text(); as others) {
      <flo-eye-icon />
      <span class="also-here__label">Also here:</span>
      <span class="also-here__names" data-testid="also-here-names">{{ others }}</span>
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      align-items: center;
      gap: 0.35em;
      font-size: 0.875rem;
      color: var(--fg-muted);
    }
    :host:empty {
      display: none;
    }
    .also-here__names {
      color: var(--fg);
      font-weight: 600;
    }
  `,
})
export class AlsoHereComponent {
  readonly target = input.required<PresenceTarget | null>();
  private readonly presence = inject(PresenceService);
  protected readonly text = computed(() => {
    const others = this.presence.others();
    return others ? othersText(others) : null;
  });

  constructor() {
    effect(() => this.presence.look(this.target()));
    inject(DestroyRef).onDestroy(() => this.presence.leave(this.target()));
  }
}
