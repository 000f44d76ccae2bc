import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { GatewayMetrics } from '../metrics/gateway-metrics';

/** `/metrics` in the Prometheus text format. */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: GatewayMetrics) {}

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.metrics.registry.metrics();
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(text);
  }
}
