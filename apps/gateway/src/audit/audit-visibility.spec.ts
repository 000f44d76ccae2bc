import type { AuditEvent } from '@flotilla/contracts';
import type { Principal } from '../auth/principal';
import { canSeeAudit } from './audit-visibility';

const admin = (scopes: string[], containers?: Principal['containers']): Principal => ({
  user: 'a',
  roles: ['admin'],
  scopes,
  ...(containers ? { containers } : {}),
});

const record = (overrides: Partial<AuditEvent>): AuditEvent => ({
  kind: 'restart',
  user: 'olga',
  at: '2024-01-01T00:00:00.000Z',
  ok: true,
  error: null,
  ...overrides,
});

describe('canSeeAudit', () => {
  const onA = record({ host_id: 'a', container_id: 'c1', container_name: 'web-1' });
  const login = record({ kind: 'login', ip: '10.0.0.1' });

  it('gives a fleet admin everything', () => {
    expect(canSeeAudit(admin(['host:*']), onA)).toBe(true);
    expect(canSeeAudit(admin(['host:*']), login)).toBe(true);
  });

  it('gives a host-scoped admin only its hosts, and no host-less records (logins, logouts)', () => {
    expect(canSeeAudit(admin(['host:a']), onA)).toBe(true);
    expect(canSeeAudit(admin(['host:b']), onA)).toBe(false);
    expect(canSeeAudit(admin(['host:a']), login)).toBe(false);
  });

  it('applies container scopes by name and fails closed without one', () => {
    const webAdmin = admin(['host:*'], { names: ['web-*'], labels: {} });
    expect(canSeeAudit(webAdmin, onA)).toBe(true);
    expect(canSeeAudit(webAdmin, { ...onA, container_name: 'db-1' })).toBe(false);
    expect(canSeeAudit(webAdmin, { ...onA, container_name: undefined })).toBe(false);
    expect(canSeeAudit(webAdmin, login)).toBe(false);
  });

  it('gives non-admins nothing', () => {
    expect(canSeeAudit({ user: 'v', roles: ['operator'], scopes: ['host:*'] }, onA)).toBe(false);
  });
});
