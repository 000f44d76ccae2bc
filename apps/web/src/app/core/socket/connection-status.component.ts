import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { SocketService } from './socket.service';

/** The header's connection pill: state, round-trip time, and the gateway's user. */
@Component({
  selector: 'flo-connection-status',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <span
      class="connection connection--{{ socket.state() }}"
      role="status"
      data-testid="connection-state"
      [attr.data-state]="socket.state()"
      [title]="title()"
    >
      <span class="connection__dot" aria-hidden="true"></span>
      <span class="connection__label">{{ label() }}</span>
      @if (socket.state() === 'connected' && socket.latencyMs() !== null) {
        <span class="connection__latency" data-testid="connection-latency"
          >{{ socket.latencyMs() }} ms</span
        >
      }
    </span>
  `,
})
export class ConnectionStatusComponent {
  protected readonly socket = inject(SocketService);

  protected readonly label = computed(() => {
    switch (this.socket.state()) {
      case 'connected':
        return 'Connected';
      case 'reconnecting':
        return this.socket.everConnected() ? 'Reconnecting…' : 'Connecting…';
      case 'offline':
        // "Offline" would read as the user's own network; say so only when it is.
        return this.socket.browserIsOffline() ? 'Browser offline' : 'Disconnected';
    }
  });

  protected readonly title = computed(() => {
    const server = this.socket.server();
    if (this.socket.state() !== 'connected' || !server) return this.label();
    const who = server.user ? ` as ${server.user}` : '';
    return `Connected to gateway ${server.server_id}${who}`;
  });
}
