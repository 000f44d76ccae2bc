import type { AuditEvent } from '@flotilla/contracts';
import { canSee } from '../auth/access-policy';
import type { Principal } from '../auth/principal';

/**
 * Which audit records an admin sees, live and in `GET /api/audit`. A record about a container
 * goes to the admins who may see that container (scopes as everywhere else; without the
 * container's labels a label scope fails closed). Records with no host (logins, failed logins,
 * logouts, refusals for going too fast) name accounts and addresses across the fleet: only
 * admins of the whole fleet, with no container scope, see them.
 */
export function canSeeAudit(principal: Principal, record: AuditEvent): boolean {
  if (!principal.roles.includes('admin')) return false;
  if (record.host_id === undefined) {
    return principal.scopes.includes('host:*') && principal.containers === undefined;
  }
  return canSee(principal, {
    host_id: record.host_id,
    container_id: record.container_id ?? '',
    name: record.container_name,
  });
}
