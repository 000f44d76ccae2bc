import { Controller, Get, Inject } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import type { Bus } from '@flotilla/bus';
import { BUS } from '../core/tokens';

const BUS_PING_TIMEOUT_MS = 1_000;

/** `/healthz`: the process answers. `/readyz`: and its bus answers, so it can serve clients. */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(BUS) private readonly bus: Bus,
  ) {}

  @Get('healthz')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('readyz')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.busUp()]);
  }

  private async busUp(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('bus');
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.bus.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), BUS_PING_TIMEOUT_MS);
        }),
      ]);
      return indicator.up();
    } catch {
      return indicator.down({ message: 'the bus does not answer' });
    } finally {
      clearTimeout(timer);
    }
  }
}
