import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Bus } from '@flotilla/bus';
import { BUS } from '../core/tokens';
import { GatewayMetrics } from './gateway-metrics';

/**
 * Counts the records the bus drops (corrupt, or forged for another host) in `/metrics`, by the
 * host whose key they came from: a host whose count grows is broken or hostile.
 */
@Injectable()
export class BusRejections implements OnModuleDestroy {
  private readonly stop: () => void;

  constructor(@Inject(BUS) bus: Bus, metrics: GatewayMetrics) {
    this.stop = bus.records.onRejected(({ hostId, reason }) =>
      metrics.rejectedRecords.inc({ host: hostId, reason }),
    );
  }

  onModuleDestroy(): void {
    this.stop();
  }
}
