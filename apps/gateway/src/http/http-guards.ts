import type { NextFunction, Request, Response } from 'express';
import type { GatewayConfig } from '../config/gateway.config';
import type { OriginPolicy } from '../config/origin-policy';
import type { PrincipalResolver } from '../auth/principal-resolver.service';
import type { RequestWithPrincipal } from './current-principal.decorator';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Probes address replicas by IP and learn nothing a page could use. */
const PROBES = new Set(['/healthz', '/readyz']);

/**
 * Express middleware for every route: a request whose `Host` is not one of the gateway's names
 * is refused before anything else (a DNS-rebinding page reaches us under its own name). Probes
 * are exempt, and so is `/metrics` when `METRICS_TOKEN` guards it (scrapers address replicas
 * by IP; a page cannot know the token).
 */
export function hostGuard(config: GatewayConfig, policy: OriginPolicy) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const exempt =
      PROBES.has(req.path) || (req.path === '/metrics' && config.metricsToken !== undefined);
    if (exempt || policy.hostAllowed(req.headers.host)) {
      next();
      return;
    }
    res.status(421).json({
      error: 'this gateway does not answer to that host name (see PUBLIC_URL)',
      code: 'forbidden',
    });
  };
}

/**
 * Express middleware for `/api`: attaches the principal (401 without one) and refuses
 * state-changing requests from origins the policy does not allow (a cross-site form post
 * needs no preflight, so CORS alone would not stop it).
 */
export function apiGuards(policy: OriginPolicy, principals: PrincipalResolver) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (
      UNSAFE_METHODS.has(req.method) &&
      !policy.originAllowed(req.headers.origin, req.headers.host)
    ) {
      res.status(403).json({ error: 'origin not allowed', code: 'forbidden' });
      return;
    }
    // Logging in (and asking whether one can) is how a principal is obtained.
    if (req.path === '/login' && (req.method === 'POST' || req.method === 'GET')) {
      next();
      return;
    }
    void principals.resolve(req).then((principal) => {
      if (!principal) {
        res.status(401).json({ error: 'not authenticated', code: 'unauthenticated' });
        return;
      }
      (req as RequestWithPrincipal).principal = principal;
      next();
    });
  };
}

/** Conservative security headers on every response. */
export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader(
    'Content-Security-Policy',
    // Everything but the app's page (which gets its own, with a nonce): JSON, metrics, assets.
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  );
  next();
}
