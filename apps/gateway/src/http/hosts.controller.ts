import { Controller, Get } from '@nestjs/common';
import type { HostStatus } from '@flotilla/contracts';
import type { Principal } from '../auth/principal';
import { FleetQueryService } from '../fleet/fleet-query.service';
import { CurrentPrincipal } from './current-principal.decorator';

@Controller('api/hosts')
export class HostsController {
  constructor(private readonly fleet: FleetQueryService) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal): Promise<{ hosts: HostStatus[] }> {
    return { hosts: await this.fleet.hosts(principal) };
  }
}
