import { Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import {
  ALERT_LIMITS,
  alertRuleIdSchema,
  type AlertFiring,
  type AlertRule,
} from '@flotilla/contracts';
import { readJsonBody } from '../auth/json-body';
import type { Principal } from '../auth/principal';
import { GatewayError } from '../core/gateway-error';
import { CurrentPrincipal } from '../http/current-principal.decorator';
import { parseRequest } from '../http/http-params';
import { AlertRules } from './alert-rules.service';

/** Largest rule body accepted. */
const RULE_BODY_BYTES = 16 * 1024;

const ruleParamsSchema = z.strictObject({ id: alertRuleIdSchema });
const firingsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(ALERT_LIMITS.firingsList).optional(),
});

/** `GET/POST /api/alert-rules`, `PUT/DELETE /api/alert-rules/:id`: admins of the whole fleet. */
@Controller('api/alert-rules')
export class AlertRulesController {
  constructor(private readonly rules: AlertRules) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal): Promise<{ rules: AlertRule[] }> {
    return { rules: await this.rules.list(principal) };
  }

  @Post()
  async create(
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<{ rule: AlertRule }> {
    return { rule: await this.rules.create(principal, await ruleBody(req)) };
  }

  @Put(':id')
  async replace(
    @CurrentPrincipal() principal: Principal,
    @Param() params: unknown,
    @Req() req: Request,
  ): Promise<{ rule: AlertRule }> {
    const { id } = parseRequest(ruleParamsSchema, params);
    return { rule: await this.rules.replace(principal, id, await ruleBody(req)) };
  }

  @Delete(':id')
  @HttpCode(200)
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param() params: unknown,
  ): Promise<{ status: 'ok' }> {
    const { id } = parseRequest(ruleParamsSchema, params);
    await this.rules.remove(principal, id);
    return { status: 'ok' };
  }
}

/** `GET /api/alert-firings?limit=`: the firing history, newest first, admins of the whole fleet. */
@Controller('api/alert-firings')
export class AlertFiringsController {
  constructor(private readonly rules: AlertRules) {}

  @Get()
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: unknown,
  ): Promise<{ firings: AlertFiring[] }> {
    const { limit } = parseRequest(firingsQuerySchema, query);
    return { firings: await this.rules.firings(principal, limit ?? 100) };
  }
}

function ruleBody(req: Request): Promise<unknown> {
  return readJsonBody(req, RULE_BODY_BYTES).catch(() => {
    throw new GatewayError(
      'invalid_payload',
      `send one JSON rule of at most ${RULE_BODY_BYTES} bytes`,
    );
  });
}
