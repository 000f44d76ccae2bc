import { Injectable, inject, signal } from '@angular/core';
import type { FleetView } from '@flotilla/contracts/core';
import { WEB_CONFIG } from '../app-config';

/**
 * The view the tab asks for when its socket connects (the handshake's `auth.view`), read at every
 * connect so a reconnection asks for what is open then: every container if the user may see at
 * most `fleetViewLine` of them, else hosts with counts and the containers of the open hosts.
 */
@Injectable({ providedIn: 'root' })
export class FleetViewRequest {
  private readonly line = inject(WEB_CONFIG).fleetViewLine;
  /** Hosts whose containers the page holds when the fleet is over the line. */
  readonly openHosts = signal<readonly string[]>([]);

  /** The hosts the last handshake asked for: what the next `initial_state` holds. */
  asked: readonly string[] = [];

  view(): FleetView {
    const hosts = this.openHosts();
    this.asked = hosts;
    return { counts: true, up_to: this.line, ...(hosts.length > 0 ? { hosts: [...hosts] } : {}) };
  }
}
