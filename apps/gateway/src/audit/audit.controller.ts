import { Controller, ForbiddenException, Get, Query } from '@nestjs/common';
import { z } from 'zod';
import type { AuditEvent } from '@flotilla/contracts';
import type { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../http/current-principal.decorator';
import { parseRequest } from '../http/http-params';
import { AUDIT_LIMIT, AuditService } from './audit.service';

const auditQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(AUDIT_LIMIT.max).optional() })
  .strict();

/** `GET /api/audit?limit=`: admins only, newest first, only the records the admin may see. */
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: unknown,
  ): Promise<{ events: AuditEvent[] }> {
    if (!principal.roles.includes('admin')) throw new ForbiddenException('admins only');
    const { limit } = parseRequest(auditQuerySchema, query);
    return { events: await this.audit.list(principal, limit ?? AUDIT_LIMIT.default) };
  }
}
