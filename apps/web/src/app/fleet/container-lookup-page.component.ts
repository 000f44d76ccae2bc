import { ChangeDetectionStrategy, Component, computed, effect, inject, input } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { Container } from '@flotilla/contracts/core';
import { shortId } from '../shared/format';
import { resolveContainer } from '../shared/container-ref';
import { containerLabel } from './fleet-query';
import { FleetStore } from './fleet.store';

/**
 * `/containers/<ref>`: a container by name or id without its host. One match opens it; a name
 * several hosts use (or an id prefix several containers share) asks which one.
 */
@Component({
  selector: 'flo-container-lookup-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <section class="container-page" aria-labelledby="lookup-title">
      <header class="page-header">
        <nav class="breadcrumbs" aria-label="Breadcrumb">
          <a routerLink="/">Fleet</a> <span aria-hidden="true">›</span>
        </nav>
        <h1 id="lookup-title" class="page-header__title">{{ ref() }}</h1>
      </header>
      @if (!loaded()) {
        <p class="empty">Waiting for the fleet…</p>
      } @else if (matches().length === 0) {
        <p class="empty" data-testid="container-missing">
          No container named “{{ ref() }}” (or with that id) on any host.
        </p>
      } @else if (matches().length > 1) {
        <div class="empty" data-testid="container-ambiguous">
          <p>Several containers match “{{ ref() }}”. Which one did you mean?</p>
          <ul>
            @for (c of matches(); track c.host_id + '/' + c.container_id) {
              <li>
                <a
                  [routerLink]="['/containers', c.host_id, c.container_id]"
                  data-testid="container-choice"
                  >{{ label(c) }}</a
                >
                <span class="mono muted"> {{ shortId(c.container_id) }} · {{ c.state }}</span>
              </li>
            }
          </ul>
        </div>
      }
    </section>
  `,
})
export class ContainerLookupPageComponent {
  readonly ref = input.required<string>();

  private readonly fleet = inject(FleetStore);
  protected readonly loaded = this.fleet.loaded;
  protected readonly shortId = shortId;
  protected readonly matches = computed<Container[]>(() => {
    const containers = this.fleet.containers();
    const out: Container[] = [];
    for (const h of this.fleet.hosts()) {
      const found = resolveContainer(containers, h.host_id, this.ref());
      if (found.kind === 'found') out.push(found.container);
      else if (found.kind === 'ambiguous') out.push(...found.matches);
    }
    return out;
  });

  constructor() {
    const router = inject(Router);
    effect(() => {
      const [only, ...more] = this.matches();
      if (!only || more.length > 0) return;
      void router.navigate(['/containers', only.host_id, this.ref()], { replaceUrl: true });
    });
  }

  protected label(c: Container): string {
    return `${containerLabel(c)} on ${c.host_id}`;
  }
}
