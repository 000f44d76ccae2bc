import { Controller, Get, Param, Query } from '@nestjs/common';
import { EXIT_LIMITS, type ContainerExits } from '@flotilla/contracts';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../http/current-principal.decorator';
import { containerParamsSchema, parseRequest } from '../http/http-params';
import { ExitHistoryService } from './exit-history.service';

const exitsQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'limit must be a number')
    .transform(Number)
    .refine((n) => n >= 1 && n <= EXIT_LIMITS.listMax, `limit must be 1 to ${EXIT_LIMITS.listMax}`)
    .optional(),
});

@Controller('api/containers')
export class ExitsController {
  constructor(private readonly history: ExitHistoryService) {}

  /** `GET /api/containers/:host/:id/exits?limit=N`: the newest exits (10 by default), crash loop. */
  @Get(':host/:id/exits')
  exits(
    @CurrentPrincipal() principal: Principal,
    @Param() params: unknown,
    @Query() query: unknown,
  ): Promise<ContainerExits> {
    const { host, id } = parseRequest(containerParamsSchema, params);
    const { limit } = parseRequest(exitsQuerySchema, query);
    return this.history.exits(principal, host, id, limit ?? 10);
  }
}
