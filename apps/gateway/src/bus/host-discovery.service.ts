import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { Bus } from '@flotilla/bus';
import { BUS } from '../core/tokens';
import { HostDirectory } from '../fleet/host-directory.service';

/**
 * Keeps the fleet's host set, which agents may not write (their ACL reaches only their own keys
 * and channels): hosts are added as they announce themselves, or found by their info key. Runs
 * from module init, so the replica's first read of the host list already sees every host; a host
 * met later is read at once rather than at the next poll.
 */
@Injectable()
export class HostDiscovery implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(HostDiscovery.name);
  private stop: (() => Promise<void>) | undefined;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    private readonly hosts: HostDirectory,
  ) {}

  async onModuleInit(): Promise<void> {
    this.stop = await this.bus.hosts.track({
      onHost: () => void this.hosts.pollHosts(),
    });
  }

  async onModuleDestroy(): Promise<void> {
    try {
      await this.stop?.();
    } catch (error: unknown) {
      this.logger.warn(`stopping host discovery failed: ${String(error)}`);
    }
  }
}
