import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { GatewayConfig } from '../config/gateway.config';
import { OriginPolicy } from '../config/origin-policy';
import { GATEWAY_CONFIG } from '../core/tokens';
import { AuthStore } from './auth-store.service';
import type { IdentityProvider } from './identity-provider';
import { AnonymousIdentity, ProxyIdentity, SessionIdentity } from './identity-providers';
import type { Principal } from './principal';
import { SessionTokens } from './session-token';
import { UserDirectory } from './user-directory.service';

/**
 * Who a handshake or an HTTP request speaks for, by the `IdentityProvider` of `AUTH_MODE`:
 * none (loopback only) makes everyone the anonymous admin, users checks a signed session,
 * proxy believes a trusted proxy's headers. Another provider (OIDC) plugs in here, and only here.
 */
@Injectable()
export class PrincipalResolver {
  private readonly provider: IdentityProvider;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    store: AuthStore,
    users: UserDirectory,
    policy: OriginPolicy,
  ) {
    switch (config.authMode) {
      case 'none':
        this.provider = new AnonymousIdentity();
        break;
      case 'users':
        this.provider = new SessionIdentity(
          new SessionTokens(config.sessionSecret ?? ''),
          () => users.all(),
          store,
          (request) => policy.servedOverTls(request),
        );
        break;
      case 'proxy':
        this.provider = new ProxyIdentity(config.trustedProxies ?? []);
        break;
    }
  }

  /** The principal of a socket handshake or HTTP request; null when it is not authenticated. */
  resolve(request: IncomingMessage): Promise<Principal | null> {
    return this.provider.resolve(request).catch(() => null);
  }
}
