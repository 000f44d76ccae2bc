import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { formatClock } from '../../shared/format';
import { SocketService } from './socket.service';

/**
 * The page-wide outage banner: while the socket is down, say so plainly (the gateway is
 * unreachable, not the user's network, unless the browser says it is offline), how many attempts
 * failed, how often it retries, and since when what is shown is stale.
 */
@Component({
  selector: 'flo-connection-status-banner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (down()) {
      <div
        class="outage-banner"
        role="alert"
        data-testid="outage-banner"
        [attr.data-attempts]="socket.failedAttempts()"
      >
        <span class="outage-banner__icon" aria-hidden="true">⚠</span>
        <span class="outage-banner__text">
          <strong data-testid="outage-banner-title">{{ title() }}</strong>
          <span class="outage-banner__detail" data-testid="outage-banner-detail">{{
            detail()
          }}</span>
        </span>
      </div>
    }
  `,
})
export class ConnectionStatusBannerComponent {
  protected readonly socket = inject(SocketService);

  /** Down after having been up, or failing to come up at all. */
  protected readonly down = computed(
    () =>
      this.socket.state() !== 'connected' &&
      (this.socket.lostAt() !== null || this.socket.failedAttempts() > 0),
  );

  protected readonly title = computed(() => {
    if (this.socket.browserIsOffline()) return 'Your browser is offline — waiting for the network';
    return this.socket.everConnected()
      ? 'Connection to Flotilla lost — retrying'
      : 'Cannot reach Flotilla — retrying';
  });

  protected readonly detail = computed(() => {
    const parts: string[] = [];
    const failed = this.socket.failedAttempts();
    const every = Math.round(this.socket.retryDelayMaxMs / 1000);
    parts.push(
      failed === 0
        ? 'reconnecting now'
        : `attempt ${failed + 1}, ${failed} failed · next within ${every} s`,
    );
    const lostAt = this.socket.lostAt();
    if (lostAt) parts.push(`everything shown is as of ${formatClock(lostAt)}`);
    return parts.join(' · ');
  });
}
