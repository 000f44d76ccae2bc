import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../core/tokens';
import { ANONYMOUS_ADMIN, type Principal } from './principal';

/**
 * Who a handshake or an HTTP request speaks for. `AUTH_MODE=none` (allowed on loopback only)
 * makes everyone the anonymous admin; authenticated modes plug in here, and only here.
 */
@Injectable()
export class PrincipalResolver {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  /** The principal of a socket handshake or HTTP request; null when it is not authenticated. */
  resolve(_request: IncomingMessage): Principal | null {
    switch (this.config.authMode) {
      case 'none':
        return ANONYMOUS_ADMIN;
    }
  }
}
