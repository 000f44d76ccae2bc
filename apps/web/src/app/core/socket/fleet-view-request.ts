import { Injectable, inject, signal } from '@angular/core';
import type { FleetView, SubscribePayload } from '@flotilla/contracts/core';
import { WEB_CONFIG } from '../app-config';

/** What a view over the line holds: the containers of these hosts, of these stacks, and these. */
export interface ViewItems {
  hosts: readonly string[];
  projects: readonly string[];
  /** Full container ids (matches of a search on hosts not open). */
  containers: readonly string[];
}

/**
 * The view the tab asks for when its socket connects (the handshake's `auth.view`), read at every
 * connect so a reconnection asks for what is open then: every container if the user may see at
 * most `fleetViewLine` of them, else hosts with counts and the containers of the open hosts, the
 * open stacks and the search matches shown. `subscribe` later sends the same items.
 */
@Injectable({ providedIn: 'root' })
export class FleetViewRequest {
  private readonly line = inject(WEB_CONFIG).fleetViewLine;
  /** Hosts whose containers the page holds when the fleet is over the line. */
  readonly openHosts = signal<readonly string[]>([]);
  /** Compose projects whose containers (on every host) the page holds over the line. */
  readonly openProjects = signal<readonly string[]>([]);
  /** Containers found by a search on hosts not open, held so their rows are live. */
  readonly foundContainers = signal<readonly string[]>([]);

  /** What the last handshake asked for: what the next `initial_state` holds. */
  asked: ViewItems = { hosts: [], projects: [], containers: [] };

  items(): ViewItems {
    return {
      hosts: this.openHosts(),
      projects: this.openProjects(),
      containers: this.foundContainers(),
    };
  }

  /** The items as `subscribe` (and a view) name them: hosts always, the other lists if any. */
  subscription(items: ViewItems = this.items()): SubscribePayload {
    return {
      hosts: [...items.hosts],
      ...(items.projects.length > 0 ? { projects: [...items.projects] } : {}),
      ...(items.containers.length > 0 ? { containers: [...items.containers] } : {}),
    };
  }

  view(): FleetView {
    const items = this.items();
    this.asked = items;
    const { hosts, ...rest } = this.subscription(items);
    return {
      counts: true,
      up_to: this.line,
      ...(hosts && hosts.length > 0 ? { hosts } : {}),
      ...rest,
    };
  }
}

/** Whether two lists of items hold the same (each is sorted or in a stable order). */
export function sameItems(a: ViewItems, b: ViewItems): boolean {
  const same = (x: readonly string[], y: readonly string[]): boolean =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  return same(a.hosts, b.hosts) && same(a.projects, b.projects) && same(a.containers, b.containers);
}
