import { Injectable, signal } from '@angular/core';
import { DEFAULT_QUERY, type FleetQuery } from './fleet-query';

/** What the fleet page was showing: kept while the user visits a container or its logs. */
@Injectable({ providedIn: 'root' })
export class FleetViewState {
  readonly query = signal<FleetQuery>(DEFAULT_QUERY);
  readonly collapsed = signal<ReadonlySet<string>>(new Set());
  readonly selected = signal<ReadonlySet<string>>(new Set());
  readonly activeIndex = signal(0);

  patchQuery(patch: Partial<FleetQuery>): void {
    this.query.update((q) => ({ ...q, ...patch }));
  }

  toggleCollapsed(hostId: string): void {
    this.collapsed.update((set) => toggled(set, hostId));
  }

  toggleSelected(key: string): void {
    this.selected.update((set) => toggled(set, key));
  }

  clearSelection(): void {
    this.selected.set(new Set());
  }
}

function toggled(set: ReadonlySet<string>, item: string): ReadonlySet<string> {
  const next = new Set(set);
  if (next.has(item)) next.delete(item);
  else next.add(item);
  return next;
}
