import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { Container } from '@flotilla/contracts';
import type { Principal } from '../auth/principal';
import { ContainerActionService, type ActionResult } from '../commands/container-action.service';
import { FleetQueryService, type ContainerDetails } from '../fleet/fleet-query.service';
import { CurrentPrincipal } from './current-principal.decorator';
import {
  actionParamsSchema,
  containerParamsSchema,
  containerQuerySchema,
  parseRequest,
} from './http-params';

@Controller('api/containers')
export class ContainersController {
  constructor(
    private readonly fleet: FleetQueryService,
    private readonly commands: ContainerActionService,
  ) {}

  /** `GET /api/containers?host=&state=&name=` */
  @Get()
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: unknown,
  ): Promise<{ containers: Container[] }> {
    return {
      containers: await this.fleet.containers(principal, parseRequest(containerQuerySchema, query)),
    };
  }

  /** `GET /api/containers/:host/:id`: the container as its snapshot holds it (no raw Docker call). */
  @Get(':host/:id')
  inspect(
    @CurrentPrincipal() principal: Principal,
    @Param() params: unknown,
  ): Promise<ContainerDetails> {
    const { host, id } = parseRequest(containerParamsSchema, params);
    return this.fleet.container(principal, host, id);
  }

  /** `POST /api/containers/:host/:id/{start,stop,restart}` */
  @Post(':host/:id/:action')
  @HttpCode(200)
  async act(
    @CurrentPrincipal() principal: Principal,
    @Param() params: unknown,
  ): Promise<{ status: 'ok' } & ActionResult> {
    const { host, id, action } = parseRequest(actionParamsSchema, params);
    return {
      status: 'ok',
      ...(await this.commands.run(principal, { host_id: host, container_id: id, action })),
    };
  }
}
