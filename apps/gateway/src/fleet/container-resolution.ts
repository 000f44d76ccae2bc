import type { Container } from '@flotilla/contracts';
import { GatewayError } from '../core/gateway-error';

/**
 * Picks the one container `ref` names among `candidates`: a full id, or a prefix of at least 12
 * digits as the Docker CLI accepts. Unknown or ambiguous refs are client errors.
 */
export function pickContainer(ref: string, candidates: readonly Container[]): Container {
  const exact = candidates.filter((c) => c.container_id === ref);
  const matches =
    exact.length > 0 ? exact : candidates.filter((c) => c.container_id.startsWith(ref));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) throw new GatewayError('unknown_container', `no container ${ref}`, ref);
  const hosts = [...new Set(matches.map((c) => c.host_id))].sort();
  throw new GatewayError(
    'ambiguous_container',
    `${ref} matches ${matches.length} containers (on ${hosts.join(', ')}); give more digits or a host_id`,
    ref,
  );
}
