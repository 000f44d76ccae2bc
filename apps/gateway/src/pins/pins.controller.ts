import { Controller, Get, Param } from '@nestjs/common';
import type { PinsPayload } from '@flotilla/contracts';
import type { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../http/current-principal.decorator';
import { containerParamsSchema, parseRequest } from '../http/http-params';
import { PinService } from './pin.service';

@Controller('api/containers')
export class PinsController {
  constructor(private readonly pins: PinService) {}

  /** `GET /api/containers/:host/:id/pins`: the container's pins, oldest line first. */
  @Get(':host/:id/pins')
  list(@CurrentPrincipal() principal: Principal, @Param() params: unknown): Promise<PinsPayload> {
    const { host, id } = parseRequest(containerParamsSchema, params);
    return this.pins.list(principal, host, id);
  }
}
