import { Injectable, inject } from '@angular/core';
import type { TimelinePage } from '@flotilla/contracts/core';
import { FETCH } from '../auth/login.service';

export interface TimelineRequest {
  since: string;
  until?: string;
  host?: string;
  project?: string;
  label?: string;
}

/** Reads `GET /api/timeline` with the page's session. */
@Injectable({ providedIn: 'root' })
export class TimelineService {
  private readonly fetch = inject(FETCH);

  async page(request: TimelineRequest): Promise<TimelinePage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(request)) {
      if (typeof value === 'string' && value.trim() !== '') params.set(key, value.trim());
    }
    const res = await this.fetch(`/api/timeline?${params.toString()}`, {
      credentials: 'same-origin',
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: string };
      throw new Error(body.error ?? `the timeline could not be read (${res.status})`);
    }
    return (await res.json()) as TimelinePage;
  }
}
