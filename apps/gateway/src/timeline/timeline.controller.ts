import { Controller, Get, Query } from '@nestjs/common';
import { z } from 'zod';
import { TIMELINE_LIMITS, hostIdSchema, type TimelinePage } from '@flotilla/contracts';
import type { Principal } from '../auth/principal';
import { GatewayError } from '../core/gateway-error';
import { CurrentPrincipal } from '../http/current-principal.decorator';
import { parseRequest } from '../http/http-params';
import { TimelineService } from './timeline.service';

const isoTime = z.iso.datetime({ offset: true });

export const timelineQuerySchema = z.strictObject({
  since: isoTime.optional(),
  until: isoTime.optional(),
  host: hostIdSchema.optional(),
  project: z.string().min(1).max(256).optional(),
  label: z
    .string()
    .min(1)
    .max(1_280)
    .regex(/^[^=]+(=.*)?$/, 'label must be key=value or key')
    .optional(),
  limit: z.coerce.number().int().min(1).max(TIMELINE_LIMITS.maxLimit).optional(),
});

/**
 * `GET /api/timeline?since=ISO&until=ISO&host=&project=&label=&limit=N`: the fleet's container
 * events, container actions and host comings and goings in the window, newest first, only what
 * the principal may see.
 */
@Controller('api/timeline')
export class TimelineController {
  constructor(private readonly timeline: TimelineService) {}

  @Get()
  page(@CurrentPrincipal() principal: Principal, @Query() query: unknown): Promise<TimelinePage> {
    const { since, until, limit, ...filter } = parseRequest(timelineQuerySchema, query);
    const untilMs = until === undefined ? Date.now() : Date.parse(until);
    const sinceMs =
      since === undefined ? untilMs - TIMELINE_LIMITS.defaultWindowMs : Date.parse(since);
    if (sinceMs > untilMs)
      throw new GatewayError('invalid_payload', 'since must not be after until');
    return this.timeline.page(principal, {
      ...filter,
      sinceMs,
      untilMs,
      limit: limit ?? TIMELINE_LIMITS.defaultLimit,
    });
  }
}
