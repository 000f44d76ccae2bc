import { Injectable, InjectionToken, inject } from '@angular/core';
import { Router } from '@angular/router';
import { FLOTILLA_SOCKET } from '../core/socket/socket.types';

/** The browser's fetch, replaceable in specs. */
export const FETCH = new InjectionToken<typeof fetch>('FETCH', {
  providedIn: 'root',
  factory: () => globalThis.fetch.bind(globalThis),
});

/**
 * Logging in: `POST /api/login` sets the httpOnly session cookie, then the socket (refused until
 * now) connects again carrying it. A handshake refused as "unauthenticated" sends the user here.
 */
@Injectable({ providedIn: 'root' })
export class LoginService {
  private readonly fetch = inject(FETCH);
  private readonly socket = inject(FLOTILLA_SOCKET);
  private readonly router = inject(Router);

  /** Resolves null on success, else the message to show. */
  async login(user: string, password: string): Promise<string | null> {
    let res: Response;
    try {
      res = await this.fetch('/api/login', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user, password }),
      });
    } catch {
      return 'The gateway cannot be reached.';
    }
    if (res.status === 429) return 'Too many attempts; try again in a minute.';
    if (res.status === 503) return 'The service is unavailable; try again shortly.';
    if (!res.ok) return 'Wrong user or password.';
    if (!this.socket.connected) this.socket.connect();
    await this.router.navigateByUrl('/');
    return null;
  }

  /**
   * Whether this gateway uses logins (`GET /api/login`: 200 in users mode, 404 otherwise). When
   * it cannot be asked, the form is offered: it says itself that the gateway is out of reach.
   */
  async loginsUsed(): Promise<boolean> {
    try {
      const res = await this.fetch('/api/login', { credentials: 'same-origin' });
      return res.status !== 404;
    } catch {
      return true;
    }
  }

  /** From app start: a handshake refused as unauthenticated goes to the login page. */
  watch(): void {
    this.socket.on('connect_error', (error: Error) => {
      if (error.message === 'unauthenticated' && !this.router.url.startsWith('/login')) {
        void this.router.navigateByUrl('/login');
      }
    });
  }
}
