import { Injectable, inject } from '@angular/core';
import type { ContainerExits } from '@flotilla/contracts/core';
import { FETCH } from '../auth/login.service';

/** Reads `GET /api/containers/:host/:id/exits` with the page's session. */
@Injectable({ providedIn: 'root' })
export class ExitsService {
  private readonly fetch = inject(FETCH);

  async exits(hostId: string, containerId: string, limit: number): Promise<ContainerExits> {
    const path = `/api/containers/${encodeURIComponent(hostId)}/${encodeURIComponent(containerId)}/exits`;
    const res = await this.fetch(`${path}?limit=${limit}`, { credentials: 'same-origin' });
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: string };
      throw new Error(body.error ?? `the exits could not be read (${res.status})`);
    }
    return (await res.json()) as ContainerExits;
  }
}
