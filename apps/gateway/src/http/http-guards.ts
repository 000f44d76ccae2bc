import type { NextFunction, Request, Response } from 'express';
import type { GatewayConfig } from '../config/gateway.config';
import { originAllowed } from '../config/origin-policy';
import type { PrincipalResolver } from '../auth/principal-resolver.service';
import type { RequestWithPrincipal } from './current-principal.decorator';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Express middleware for `/api`: attaches the principal (401 without one) and refuses
 * state-changing requests from origins the CORS policy does not allow (a cross-site form post
 * needs no preflight, so CORS alone would not stop it).
 */
export function apiGuards(config: GatewayConfig, principals: PrincipalResolver) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (
      UNSAFE_METHODS.has(req.method) &&
      !originAllowed(req.headers.origin, req.headers.host, config.cors)
    ) {
      res.status(403).json({ error: 'origin not allowed', code: 'forbidden' });
      return;
    }
    // Logging in is how a principal is obtained.
    if (req.method === 'POST' && req.path === '/login') {
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
