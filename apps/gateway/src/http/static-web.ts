import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** Paths that belong to the gateway itself, never to the web app's client-side routes. */
const SERVER_PATHS = /^\/(api|socket\.io|metrics|healthz|readyz)(\/|$)/;
/** The placeholder the web app's index.html carries where a per-response CSP nonce goes. */
const NONCE_PLACEHOLDER = /__CSP_NONCE__/g;

/** The CSP of the app's page: scripts and styles only from the gateway or carrying the nonce. */
export function pageCsp(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * Serves the built web app from `dir` when it exists, with a single-page-app fallback: a GET for
 * any other path that accepts HTML gets `index.html`, with a fresh CSP nonce in place of
 * `__CSP_NONCE__` (Angular's `ngCspNonce`) and in the page's CSP. Returns whether it is served.
 */
export function serveWebApp(app: NestExpressApplication, dir: string): boolean {
  const root = resolve(dir);
  const indexFile = resolve(root, 'index.html');
  if (!existsSync(indexFile)) return false;
  const index = readFileSync(indexFile, 'utf8');
  app.useStaticAssets(root, { index: false, maxAge: '1h', fallthrough: true });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (
      (req.method !== 'GET' && req.method !== 'HEAD') ||
      SERVER_PATHS.test(req.path) ||
      !req.accepts('html')
    ) {
      next();
      return;
    }
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', pageCsp(nonce));
    res.type('html').send(index.replace(NONCE_PLACEHOLDER, nonce));
  });
  return true;
}
