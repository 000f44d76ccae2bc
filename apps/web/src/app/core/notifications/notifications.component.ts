import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { NotificationService } from './notification.service';

const MAX_SHOWN = 3;

/**
 * The notices, docked under the page rather than floating over it, so they never cover a row's
 * buttons; errors are announced assertively, the rest politely. A notice stays while the pointer
 * or focus is on it.
 */
@Component({
  selector: 'flo-notifications',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="notifications" aria-live="polite" data-testid="notifications">
      @if (service.folded() > 0) {
        <p class="notifications__folded">{{ service.folded() }} earlier notifications folded</p>
      }
      @for (note of visible(); track note.id) {
        <div
          class="notification notification--{{ note.type }}"
          [attr.role]="note.type === 'error' ? 'alert' : 'status'"
          [attr.data-kind]="note.type"
          data-testid="notification"
          [attr.data-count]="note.count"
          (mouseenter)="service.hold(note.id, 'pointer')"
          (mouseleave)="service.release(note.id, 'pointer')"
          (focusin)="service.hold(note.id, 'focus')"
          (focusout)="service.release(note.id, 'focus')"
        >
          <div class="notification__body">
            <span class="notification__message" data-testid="notification-message">{{
              note.message
            }}</span>
            @if (note.count > 1) {
              <span class="notification__count" title="Repeated">×{{ note.count }}</span>
            }
            @if (note.detail) {
              <span class="notification__detail">{{ note.detail }}</span>
            }
          </div>
          <button
            type="button"
            class="icon-button notification__close"
            aria-label="Dismiss notification"
            data-testid="notification-dismiss"
            (click)="service.dismiss(note.id)"
          >
            ×
          </button>
        </div>
      }
      @if (hidden() > 0) {
        <button
          type="button"
          class="link-button notifications__more"
          (click)="service.dismissAll()"
        >
          {{ hidden() }} more · dismiss all
        </button>
      }
    </div>
  `,
})
export class NotificationsComponent {
  protected readonly service = inject(NotificationService);
  /** At most three on screen at once, newest first (the dock must leave the page its room). */
  protected readonly visible = computed(() =>
    this.service.notifications().slice(-MAX_SHOWN).reverse(),
  );
  protected readonly hidden = computed(() =>
    Math.max(0, this.service.notifications().length - MAX_SHOWN),
  );
}
