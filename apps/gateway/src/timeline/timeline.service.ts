import { Inject, Injectable } from '@nestjs/common';
import {
  COMPOSE_PROJECT_LABEL,
  type AuditEvent,
  type Container,
  type HostStatus,
  type TimelineEntry,
  type TimelinePage,
} from '@flotilla/contracts';
import { timeOfStreamId, type Bus } from '@flotilla/bus';
import { canSeeAudit } from '../audit/audit-visibility';
import { canSee, canSeeHost } from '../auth/access-policy';
import type { Principal } from '../auth/principal';
import { BUS } from '../core/tokens';
import { deriveHostPoints } from './timeline-derivation';
import { containerPasses, hostPointsPass, type TimelineFilter } from './timeline-filter';

export interface TimelineQuery extends TimelineFilter {
  sinceMs: number;
  untilMs: number;
  limit: number;
}

/** The audit kinds that are actions on containers (logins and logouts are not on the timeline). */
const ACTION_KINDS = new Set<AuditEvent['kind']>(['start', 'stop', 'restart', 'unpause', 'remove']);

/** One host's part of a page. */
interface HostPart {
  entries: TimelineEntry[];
  /** Time of the oldest event read when the read was cut by the limit (older ones were not read). */
  cutAt: number | null;
  /** Time of the oldest event the host still keeps. */
  oldestMs: number | null;
  containers: Container[];
}

/**
 * The fleet timeline: each host's events in a time window (one bounded read per host in the
 * principal's scope), turned into points, merged with the container actions of the audit trail
 * the principal may see and the agents' start times. Every container point passes `canSee` with
 * the container as its event carried it; hosts out of scope are never read.
 */
@Injectable()
export class TimelineService {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  async page(principal: Principal, query: TimelineQuery): Promise<TimelinePage> {
    const hosts = (await this.bus.hosts.list()).filter(
      (h) =>
        canSeeHost(principal, h.host_id) && (query.host === undefined || h.host_id === query.host),
    );
    const parts = await Promise.all(hosts.map((h) => this.hostPart(principal, h, query)));
    const actions = await this.actions(principal, query, parts);
    const entries = [...parts.flatMap((p) => p.entries), ...actions.entries];

    // Below the newest cut, some host's events (or actions) were not read: show what is complete.
    const cuts = [...parts, actions].flatMap((p) => (p.cutAt === null ? [] : [p.cutAt]));
    const floor = cuts.length > 0 ? Math.max(...cuts) : -Infinity;
    const complete = entries.filter((e) => Date.parse(e.at) >= floor);
    complete.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.id < b.id ? 1 : -1));
    const oldest = parts.flatMap((p) => (p.oldestMs === null ? [] : [p.oldestMs]));
    return {
      entries: complete.slice(0, query.limit),
      since: new Date(query.sinceMs).toISOString(),
      until: new Date(query.untilMs).toISOString(),
      truncated: complete.length > query.limit || complete.length < entries.length,
      complete_from: oldest.length > 0 ? new Date(Math.max(...oldest)).toISOString() : null,
    };
  }

  private async hostPart(
    principal: Principal,
    host: HostStatus,
    query: TimelineQuery,
  ): Promise<HostPart> {
    const id = host.host_id;
    const [events, first, containers] = await Promise.all([
      this.bus.events.window(id, query.sinceMs, query.untilMs, query.limit),
      this.bus.events.range(id, '0-0', 1),
      this.bus.snapshots.list(id),
    ]);
    const hostsPass = hostPointsPass(query);
    const entries = deriveHostPoints(id, events, query.sinceMs)
      .filter(({ container }) =>
        container === undefined
          ? hostsPass
          : canSee(principal, container) && containerPasses(query, container),
      )
      .map((p) => p.entry);
    const started = Date.parse(host.started_at);
    if (hostsPass && started >= query.sinceMs && started <= query.untilMs) {
      entries.push({
        id: `${id}/online/${started}`,
        at: new Date(started).toISOString(),
        kind: 'host_online',
        host_id: id,
      });
    }
    return {
      entries,
      cutAt: events.length >= query.limit ? timeOfStreamId(events[0].id) : null,
      oldestMs: first.length > 0 ? timeOfStreamId(first[0].id) : null,
      containers,
    };
  }

  /** Container actions from the audit trail that the principal may see and the filters keep. */
  private async actions(
    principal: Principal,
    query: TimelineQuery,
    parts: HostPart[],
  ): Promise<{ entries: TimelineEntry[]; cutAt: number | null }> {
    if (!principal.roles.includes('admin')) return { entries: [], cutAt: null };
    const known = new Map<string, Container>();
    for (const part of parts) for (const c of part.containers) known.set(c.container_id, c);
    const filtered = query.project !== undefined || query.label !== undefined;
    const records = await this.bus.audit.window(query.sinceMs, query.untilMs, query.limit, (r) => {
      if (!ACTION_KINDS.has(r.kind) || r.host_id === undefined) return false;
      if (query.host !== undefined && r.host_id !== query.host) return false;
      if (!canSeeAudit(principal, r)) return false;
      if (!filtered) return true;
      const container = known.get(r.container_id ?? '');
      return (
        container !== undefined &&
        container.host_id === r.host_id &&
        containerPasses(query, container)
      );
    });
    const entries = records.map((r) => {
      const entry: TimelineEntry = {
        id: `audit/${r.id ?? r.at}`,
        at: r.at,
        kind: 'action',
        host_id: r.host_id ?? '',
        action: r.kind,
        user: r.user,
        ok: r.ok,
        error: r.error,
      };
      if (r.container_id !== undefined) entry.container_id = r.container_id;
      if (r.container_name !== undefined) entry.container_name = r.container_name;
      const project = known.get(r.container_id ?? '')?.labels[COMPOSE_PROJECT_LABEL];
      if (project !== undefined) entry.project = project;
      return entry;
    });
    const oldest = records[records.length - 1];
    return {
      entries,
      cutAt: records.length >= query.limit && oldest ? Date.parse(oldest.at) : null,
    };
  }
}
