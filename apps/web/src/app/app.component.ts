import { ChangeDetectionStrategy, Component, DestroyRef, inject } from '@angular/core';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { NotificationsComponent } from './core/notifications/notifications.component';
import { ConnectionStatusBannerComponent } from './core/socket/connection-status-banner.component';
import { ConnectionStatusComponent } from './core/socket/connection-status.component';
import { SocketService } from './core/socket/socket.service';
import { ThemeToggleComponent } from './core/theme/theme-toggle.component';
import { ThemeService } from './core/theme/theme.service';
import { ConfirmDialogComponent } from './shared/confirm-dialog.component';
import { ShortcutService } from './shared/shortcut.service';
import { ShortcutsOverlayComponent } from './shared/shortcuts-overlay.component';

@Component({
  selector: 'flo-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    ConnectionStatusComponent,
    ConnectionStatusBannerComponent,
    ThemeToggleComponent,
    NotificationsComponent,
    ConfirmDialogComponent,
    ShortcutsOverlayComponent,
  ],
  template: `
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="shell__header">
      <a class="shell__brand" routerLink="/" aria-label="Flotilla fleet overview">
        <svg class="shell__logo" viewBox="0 0 32 32" width="20" height="20" aria-hidden="true">
          <rect width="32" height="32" rx="6" />
          <path d="M5 19h22l-3 6H8z" fill="#fff" />
          <rect x="9" y="12" width="5" height="5" fill="#fff" />
          <rect x="15" y="12" width="5" height="5" fill="#fff" />
          <rect x="12" y="6" width="5" height="5" fill="#fff" />
        </svg>
        <span class="shell__name">Flotilla</span>
      </a>
      <nav class="shell__nav" aria-label="Main">
        <a
          routerLink="/"
          routerLinkActive="is-active"
          [routerLinkActiveOptions]="{ exact: true }"
          data-testid="nav-fleet"
          >Fleet</a
        >
        <a routerLink="/search" routerLinkActive="is-active" data-testid="nav-search">Search</a>
        <a routerLink="/timeline" routerLinkActive="is-active" data-testid="nav-timeline"
          >Timeline</a
        >
        @if (managesAlerts()) {
          <a routerLink="/alerts" routerLinkActive="is-active" data-testid="nav-alerts">Alerts</a>
        }
      </nav>
      <span class="shell__spacer"></span>
      <span class="shell__hint" aria-hidden="true"
        ><kbd>/</kbd> search · <kbd>g</kbd> fleet · <kbd>?</kbd> shortcuts</span
      >
      <flo-connection-status />
      <flo-theme-toggle />
    </header>
    <flo-connection-status-banner />
    <main id="main" class="shell__main" tabindex="-1">
      <router-outlet />
    </main>
    <flo-notifications />
    <flo-confirm-dialog />
    <flo-shortcuts-overlay />
  `,
})
export class AppComponent {
  /** The rule editor is offered to those the gateway says may use it. */
  protected readonly managesAlerts = inject(SocketService).managesAlerts;

  constructor() {
    inject(ThemeService);
    const router = inject(Router);
    inject(ShortcutService).register(
      'g',
      () => void router.navigateByUrl('/'),
      inject(DestroyRef),
      'Go to the fleet',
    );
  }
}
