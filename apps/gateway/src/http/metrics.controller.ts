import { Controller, Get, Header, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../core/tokens';
import { GatewayMetrics } from '../metrics/gateway-metrics';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * `/metrics` in the Prometheus text format; with `METRICS_TOKEN` set, only for
 * `Authorization: Bearer <token>` (Prometheus: `authorization: {credentials: …}`).
 */
@Controller()
export class MetricsController {
  /** Digests compare in constant time whatever the lengths. */
  private readonly expected: Buffer | undefined;

  constructor(
    private readonly metrics: GatewayMetrics,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.expected = config.metricsToken === undefined ? undefined : digest(config.metricsToken);
  }

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (this.expected && !this.authorized(req.headers.authorization)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="flotilla-metrics"');
      res
        .status(401)
        .json({ error: 'metrics need the METRICS_TOKEN bearer token', code: 'unauthenticated' });
      return;
    }
    const text = await this.metrics.registry.metrics();
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(text);
  }

  private authorized(header: string | undefined): boolean {
    const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
    return this.expected !== undefined && timingSafeEqual(digest(given), this.expected);
  }
}
