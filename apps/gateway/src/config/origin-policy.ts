import type { CorsPolicy } from './gateway.config';

/**
 * May a request carrying this `Origin` header reach the gateway? Browsers do not apply CORS to
 * WebSockets, so the socket handshake checks this itself (against cross-site socket hijacking).
 * No Origin header means a non-browser client, which CORS does not concern.
 */
export function originAllowed(
  origin: string | undefined,
  hostHeader: string | undefined,
  policy: CorsPolicy,
): boolean {
  if (origin === undefined || origin === '') return true;
  if (policy.kind === 'any') return true;
  if (sameOrigin(origin, hostHeader)) return true;
  return policy.kind === 'list' && policy.origins.includes(origin);
}

function sameOrigin(origin: string, hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  try {
    return new URL(origin).host === hostHeader.toLowerCase();
  } catch {
    return false;
  }
}
